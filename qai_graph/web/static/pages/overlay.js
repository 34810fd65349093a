/* The stream overlay: QAI's stage, progress to the next stage and totals, live.
 *
 * Configured by the query string, e.g. ?minIntervalMs=1000&theme=dark&show=progress,stage
 *   minIntervalMs  at most one progress update per this many ms (100 to 3600000; 1000)
 *   theme          dark (default) or light
 *   show           any of stage, progress, totals (default: all three)
 * The API key goes in the fragment (#key=...): browsers never send a fragment in a
 * request, so it only travels in the WebSocket's connection_init.
 */
(function () {
  "use strict";

  const query = new URLSearchParams(window.location.search);
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const PARTS = ["stage", "progress", "totals"];
  const ADVANCE_MS = 3400;

  function clampedInterval(raw) {
    const value = Number.parseInt(raw || "1000", 10);
    return Number.isFinite(value) ? Math.min(3600000, Math.max(100, value)) : 1000;
  }

  const settings = {
    minIntervalMs: clampedInterval(query.get("minIntervalMs")),
    theme: query.get("theme") === "light" ? "light" : "dark",
    show: (query.get("show") || PARTS.join(","))
      .split(",")
      .map(function (part) { return part.trim(); })
      .filter(function (part) { return PARTS.includes(part); }),
    key: fragment.get("key") || "",
  };

  const root = document.getElementById("overlay");
  const refused = document.getElementById("refused");
  const el = function (id) { return document.getElementById(id); };
  document.body.classList.add("theme-" + settings.theme);
  PARTS.forEach(function (part) {
    root.querySelector('[data-part="' + part + '"]').hidden = !settings.show.includes(part);
  });

  let shown = null;
  let advanceTimer = null;

  function older(state, than) {
    if (state.stage !== than.stage) return state.stage < than.stage;
    return state.totalInteractions < than.totalInteractions;
  }

  // ``authoritative``: the state a fresh subscription starts with, which may be older
  // than what is shown (a restore after a restart); later ones never step backwards.
  function render(state, authoritative) {
    const previous = shown;
    if (previous && !authoritative && older(state, previous)) return;
    shown = Object.assign({}, shown || {}, state);
    const s = shown;
    el("stage-number").textContent = s.stage;
    el("stage-name").textContent = s.stageName;
    const percent = Math.max(0, Math.min(100, s.progressPercent || 0));
    el("fill").style.width = percent + "%";
    el("bar").setAttribute("aria-valuenow", String(Math.round(percent)));
    el("progress-text").textContent =
      s.nextStageAt === null || s.nextStageAt === undefined
        ? "Final stage reached"
        : `${Math.floor(percent)}% · ${Qai.formatNumber(s.totalInteractions)} / ` +
          `${Qai.formatNumber(s.nextStageAt)} interactions to the next stage`;
    el("total-interactions").textContent = Qai.formatNumber(s.totalInteractions);
    el("total-players").textContent = Qai.formatNumber(s.uniquePlayersMet);
    el("total-solutions").textContent = Qai.formatNumber(s.totalSolutionsObserved);
    root.dataset.stage = String(s.stage);
    root.hidden = false;
    refused.hidden = true;
    if (previous && s.stage > previous.stage) advance(s);
  }

  function advance(state) {
    el("banner").textContent = `Stage ${state.stage}: ${state.stageName}`;
    root.classList.remove("advancing");
    void root.offsetWidth; // restart the animation when stages change in quick succession
    root.classList.add("advancing");
    root.dataset.advancedAt = String(Date.now());
    clearTimeout(advanceTimer);
    advanceTimer = setTimeout(function () { root.classList.remove("advancing"); }, ADVANCE_MS);
  }

  const FIELDS =
    "stage stageName progressPercent nextStageAt totalInteractions " +
    "uniquePlayersMet totalSolutionsObserved";

  Qai.live({
    key: settings.key,
    subscriptions: [
      {
        query: `subscription Progress($ms: Int!) { evolutionUpdated(minIntervalMs: $ms) { ${FIELDS} } }`,
        variables: { ms: settings.minIntervalMs },
        onData: function (data, first) { render(data.evolutionUpdated, first); },
      },
      {
        // Unthrottled: a stage change shows at once, whatever minIntervalMs is.
        query: `subscription Stage { evolutionStageChanged { ${FIELDS} } }`,
        onData: function (data) { render(data.evolutionStageChanged, false); },
      },
    ],
    onStatus: function (status) {
      // While the service restarts the last state stays on screen: nothing looks broken.
      refused.hidden = status !== "refused" || shown !== null;
    },
  });
})();
