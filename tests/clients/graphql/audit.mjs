// Runs graphql-http's GraphQL-over-HTTP audit against the URL given as the first
// argument and prints one JSON line: the counts by status and every non-ok audit.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
const problems = [];
for (const result of results) {
  counts[result.status] += 1;
  if (result.status !== 'ok') {
    let body = null;
    try {
      body = result.response ? await result.response.text() : null;
    } catch {
      body = null;
    }
    problems.push({
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.reason,
      responseStatus: result.response ? result.response.status : null,
      body,
    });
  }
}
console.log(JSON.stringify({ total: results.length, ...counts, problems }));
