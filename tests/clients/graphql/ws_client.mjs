// The graphql-ws reference client (graphql-transport-ws): one subscription event and
// one query over the same socket; prints the results as one JSON line.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const client = createClient({ url: process.argv[2], webSocketImpl: WebSocket, lazy: true });
const take = (query) =>
  new Promise((resolve, reject) => {
    const dispose = client.subscribe(
      { query },
      {
        next: (value) => {
          resolve(value);
          dispose();
        },
        error: reject,
        complete: () => {},
      },
    );
  });
const event = await take('subscription { evolutionUpdated(minIntervalMs: 100) { stage } }');
const query = await take('{ evolution { stage } }');
console.log(JSON.stringify({ event, query }));
await client.dispose();
