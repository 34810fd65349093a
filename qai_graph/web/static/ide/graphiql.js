/* GraphiQL for qai-graph, from the package's own assets.
 *
 * Queries and mutations go over HTTP with the headers of GraphiQL's Headers tab;
 * subscriptions over graphql-transport-ws (graphql-ws's client), whose connection_init
 * carries the same headers, so {"Authorization": "Bearer <key>"} works for both.
 * The editor's query and variables are kept in the address bar (?query=...) to share.
 */
(function () {
  "use strict";

  const httpUrl = new URL("graphql", document.baseURI).href;
  const wsUrl = httpUrl.replace(/^http/, "ws");
  const params = new URLSearchParams(window.location.search);

  const EXAMPLE_QUERY = `# QAI's memory. Run with Ctrl-Enter; Ctrl-Space completes.
# With API keys configured, add {"Authorization": "Bearer <key>"} under Headers.

query Dashboard {
  evolution { stage stageName totalInteractions progressPercent nextStageAt }
  players(first: 5) {
    edges { node { name lastSeen totalInteractions summary } }
    pageInfo { hasNextPage endCursor }
  }
}

# subscription { evolutionUpdated(minIntervalMs: 1000) { stage progressPercent totalInteractions } }
`;

  function updateURL(key, value) {
    if (value) params.set(key, value);
    else params.delete(key);
    const search = params.toString();
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const httpFetcher = GraphiQL.createFetcher({ url: httpUrl });

  // One WebSocket client per distinct headers value: changing the key reconnects.
  let wsClient = null;
  let wsHeaders = null;
  function wsClientFor(headers) {
    const key = JSON.stringify(headers || {});
    if (wsClient === null || key !== wsHeaders) {
      if (wsClient !== null) wsClient.dispose();
      wsHeaders = key;
      wsClient = graphqlWs.createClient({
        url: wsUrl,
        connectionParams: headers || {},
        retryAttempts: 3,
      });
    }
    return wsClient;
  }

  // Parsed here: GraphiQL's own documentAST lags a moment behind the editor's text.
  function parsed(query, fallback) {
    try {
      return GraphiQL.GraphQL.parse(query);
    } catch (error) {
      return fallback;
    }
  }

  function operations(documentAST) {
    return documentAST
      ? documentAST.definitions.filter(function (d) {
          return d.kind === "OperationDefinition";
        })
      : [];
  }

  // A name the text no longer has (GraphiQL's lags after a paste) falls back to the
  // document's only operation, as the server would pick it.
  function chosenOperation(documentAST, operationName) {
    const all = operations(documentAST);
    const named = all.find(function (d) {
      return operationName && d.name && d.name.value === operationName;
    });
    return named || (all.length === 1 ? all[0] : undefined);
  }

  function fetcher(graphQLParams, options) {
    options = options || {};
    const documentAST = parsed(graphQLParams.query, options.documentAST);
    const operation = chosenOperation(documentAST, graphQLParams.operationName);
    const params = Object.assign({}, graphQLParams, {
      operationName: operation && operation.name ? operation.name.value : undefined,
    });
    if (!operation || operation.operation !== "subscription") {
      return httpFetcher(params, Object.assign({}, options, { documentAST: documentAST }));
    }
    const client = wsClientFor(options.headers);
    // An observable: GraphiQL subscribes, and unsubscribes when the run is stopped.
    return {
      subscribe: function (observer) {
        const dispose = client.subscribe(params, {
          next: function (value) { observer.next(value); },
          error: function (error) {
            const reason =
              error && error.code !== undefined
                ? `WebSocket closed: ${error.code} ${error.reason || ""}`
                : error;
            observer.error(Array.isArray(error) ? { errors: error } : reason);
          },
          complete: function () { observer.complete(); },
        });
        return { unsubscribe: dispose };
      },
    };
  }

  function App() {
    const [query, setQuery] = React.useState(params.get("query") || EXAMPLE_QUERY);
    const [variables, setVariables] = React.useState(params.get("variables") || undefined);
    const explorer = React.useMemo(function () {
      return GraphiQLPluginExplorer.explorerPlugin();
    }, []);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: query,
      variables: variables,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
      onEditQuery: function (value) {
        setQuery(value);
        updateURL("query", value);
      },
      onEditVariables: function (value) {
        setVariables(value);
        updateURL("variables", value);
      },
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
