/* What the overlay and the dashboard share: the API's URLs, one HTTP query, and live
 * subscriptions over graphql-transport-ws (the vendored graphql-ws client) that
 * reconnect forever with backoff. Exposed as window.Qai; no build step.
 */
(function () {
  "use strict";

  const httpUrl = new URL("graphql", document.baseURI).href;
  const wsUrl = httpUrl.replace(/^http/, "ws");
  const MIN_WAIT_MS = 500;
  const MAX_WAIT_MS = 15000;

  function authorization(key) {
    return key ? { Authorization: "Bearer " + key } : {};
  }

  class ApiError extends Error {
    constructor(message, code) {
      super(message);
      this.code = code || "ERROR";
    }
  }

  /** POST one operation; resolves to its data, rejects with an ApiError (code set). */
  async function query(text, variables, key) {
    let response;
    try {
      response = await fetch(httpUrl, {
        method: "POST",
        headers: Object.assign(
          { "content-type": "application/json", accept: "application/json" },
          authorization(key),
        ),
        body: JSON.stringify({ query: text, variables: variables || {} }),
      });
    } catch (error) {
      throw new ApiError("the service does not answer", "NETWORK");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    const first = body && body.errors && body.errors[0];
    if (first) {
      throw new ApiError(first.message, first.extensions && first.extensions.code);
    }
    if (!response.ok || !body) throw new ApiError("HTTP " + response.status, "HTTP");
    return body.data;
  }

  /** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... at most 15 s. */
  function backoff(attempt) {
    const wait = Math.min(MAX_WAIT_MS, MIN_WAIT_MS * 2 ** Math.min(attempt, 10));
    return wait * (0.75 + Math.random() * 0.5);
  }

  /**
   * Keep subscriptions open for as long as the page lives.
   *
   * graphql-ws retries a lost socket itself; some closes it reports as final (a refused
   * key, 4401; too many connections, 4429), and a stopping server completes every
   * subscription. Each of those restarts the subscription here after a backoff, so an
   * overlay left open across a restart of the service comes back by itself.
   * ``onStatus`` hears "live", "retrying" and "refused" (the key was not accepted).
   */
  function live(options) {
    let failures = 0;
    let stopped = false;
    const client = graphqlWs.createClient({
      url: wsUrl,
      connectionParams: function () {
        return authorization(options.key);
      },
      lazy: true,
      keepAlive: 20000,
      retryAttempts: Infinity,
      shouldRetry: function () {
        return true;
      },
      retryWait: function (retries) {
        return new Promise(function (resolve) {
          setTimeout(resolve, backoff(retries));
        });
      },
      on: {
        connected: function () {
          failures = 0;
          status("live");
        },
        closed: function (event) {
          if (stopped) return;
          status(event && event.code === 4401 ? "refused" : "retrying");
        },
      },
    });

    function status(value) {
      if (options.onStatus) options.onStatus(value);
    }

    function start(subscription) {
      if (stopped) return;
      let first = true;
      client.subscribe(
        { query: subscription.query, variables: subscription.variables || {} },
        {
          next: function (result) {
            // ``first``: the first result of this (re)subscription.
            if (result.data) subscription.onData(result.data, first);
            first = false;
          },
          error: function (error) {
            failures += 1;
            const code = error && error.code;
            status(code === 4401 ? "refused" : "retrying");
            setTimeout(start, backoff(failures), subscription);
          },
          complete: function () {
            // The server ended it (it is stopping): ask again once it is back.
            failures += 1;
            setTimeout(start, backoff(failures), subscription);
          },
        },
      );
    }

    options.subscriptions.forEach(start);
    return {
      stop: function () {
        stopped = true;
        client.dispose();
      },
    };
  }

  const numberFormat = new Intl.NumberFormat();

  window.Qai = {
    ApiError: ApiError,
    query: query,
    live: live,
    formatNumber: function (value) {
      return value === null || value === undefined ? "–" : numberFormat.format(value);
    },
  };
})();
