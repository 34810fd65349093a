/* The dashboard: evolution, players (most recently seen first, paged by the API's
 * cursors), a player's profile, observations by tier and recent interactions, live
 * updates, and recall search. It uses only the public GraphQL API: the list is the
 * Dashboard query of docs/api.md (two waves of DynamoDB reads per page of players), so this
 * file is also the example of how to build a dashboard on qai-graph.
 */
(function () {
  "use strict";

  // The Dashboard query of docs/api.md, verbatim (a test compares them).
  const DASHBOARD = `query Dashboard($after: String) {
  players(first: 50, after: $after) {
    edges { node {
      name lastSeen totalInteractions summary
      interactions(first: 5) { edges { node { id message qaiResponse timestamp } } }
      observations(first: 5) { edges { node { id content confidence memoryTier } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
  evolution { stage stageName totalInteractions uniquePlayersMet progressPercent }
}`;

  // Formed observations (issue 20) also say who formed them, from which exchanges, and
  // whether a newer one superseded them: moderators correct what QAI concluded here.
  const OBSERVATION =
    "id timestamp content category confidence evidenceCount promoted lastReinforced " +
    "formedBy superseded supersededBy supersededAt sources { interactionId lineId at }";
  const PLAYER = `query Player($name: String!) {
  player(name: $name) {
    name firstSeen lastSeen totalInteractions totalSolutions playStyle sentimentScore
    helpfulnessScore averageFidelity averageTimeMs preferredPatterns memorableMoments summary
    interactions(first: 20) { edges { node { id timestamp channel message qaiResponse sentiment } } }
    longTerm: observations(first: 20, tier: LONG_TERM) { edges { node { ${OBSERVATION} } } }
    shortTerm: observations(first: 20, tier: SHORT_TERM) { edges { node { ${OBSERVATION} } } }
  }
}`;
  const RECALL = `query Recall($query: String!) {
  recall(query: $query, limit: 10) {
    totalFound memories { type subject content score data sources { interactionId lineId at } }
  }
}`;
  // The moderators' queue; a reader or writer key gets FORBIDDEN and the panel stays hidden.
  const FLAGGED = `query Flagged {
  flaggedMemories(first: 20) {
    edges { node { memory { kind subject id } player flag flagReasons text timestamp hidden } }
  }
}`;
  const MODERATE = {
    release: `mutation Release($ref: MemoryRefInput!) { releaseMemory(ref: $ref) { changed } }`,
    hide: `mutation Hide($ref: MemoryRefInput!) { hideMemory(ref: $ref) { changed } }`,
  };
  const EVOLUTION =
    "stage stageName totalInteractions uniquePlayersMet totalSolutionsObserved " +
    "progressPercent nextStageAt";
  const KEY_STORAGE = "qai-graph.apiKey";

  const $ = function (id) { return document.getElementById(id); };
  const state = {
    key: localStorage.getItem(KEY_STORAGE) || "",
    cursors: [null], // the `after` of each page visited; the last is the current page
    page: null,
    selected: new URLSearchParams(window.location.search).get("player"),
    evolution: null,
    live: null,
    refreshing: null,
    refreshAgain: false,
  };

  /* ---------- small DOM helpers (text only: data never becomes HTML) ---------- */

  function h(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([name, value]) {
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const UNITS = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function ago(iso) {
    if (!iso) return "–";
    const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
    }
    return "just now";
  }

  function time(iso) {
    return h("time", { datetime: iso, title: iso ? absolute.format(new Date(iso)) : null, text: ago(iso) });
  }

  function percent(value) {
    return Math.round(Math.max(0, Math.min(1, value || 0)) * 100) + "%";
  }

  function nodes(connection) {
    return connection ? connection.edges.map(function (edge) { return edge.node; }) : [];
  }

  /* ---------- errors, key ---------- */

  function notice(message) {
    $("notice").textContent = message || "";
    $("notice").hidden = !message;
  }

  function askForKey(message) {
    $("layout").hidden = true;
    $("evolution").hidden = true;
    $("key-panel").hidden = false;
    notice(message);
    $("key-input").focus();
  }

  function failed(error) {
    if (error.code === "UNAUTHENTICATED") {
      askForKey(state.key ? "The saved key was refused." : "");
    } else if (error.code === "FORBIDDEN") {
      notice("This key may not read memory: " + error.message);
    } else {
      notice(error.code === "NETWORK"
        ? "The service does not answer; retrying with the live connection."
        : error.message + " (" + error.code + ")");
    }
  }

  /* ---------- evolution ---------- */

  function renderEvolution(evolution) {
    state.evolution = Object.assign({}, state.evolution || {}, evolution);
    const e = state.evolution;
    $("evolution").hidden = false;
    $("stage-number").textContent = "Stage " + e.stage;
    $("stage-name").textContent = e.stageName;
    const value = Math.max(0, Math.min(100, e.progressPercent || 0));
    $("stage-fill").style.width = value + "%";
    $("stage-bar").setAttribute("aria-valuenow", String(Math.round(value)));
    $("stage-progress").textContent =
      e.nextStageAt === null
        ? "final stage"
        : Math.floor(value) + "%" +
          (e.nextStageAt ? " · next stage at " + Qai.formatNumber(e.nextStageAt) : "");
    $("total-interactions").textContent = Qai.formatNumber(e.totalInteractions);
    $("total-players").textContent = Qai.formatNumber(e.uniquePlayersMet);
    $("total-solutions").textContent = Qai.formatNumber(e.totalSolutionsObserved);
  }

  /* ---------- players ---------- */

  // Answers can arrive out of order (a live refresh racing a page turn): only the
  // latest request of each kind is rendered.
  const tickets = { page: 0, player: 0 };

  async function loadPage(after) {
    const ticket = ++tickets.page;
    const data = await Qai.query(DASHBOARD, { after: after }, state.key);
    if (ticket !== tickets.page) return;
    state.page = data.players;
    renderEvolution(data.evolution);
    renderPlayers();
    $("key-panel").hidden = true;
    $("layout").hidden = false;
    notice("");
  }

  function renderPlayers() {
    const players = nodes(state.page);
    const list = $("player-list");
    const first = (state.cursors.length - 1) * 50 + 1;
    $("players-range").textContent = players.length
      ? first + "–" + (first + players.length - 1)
      : "none yet";
    list.replaceChildren.apply(list, players.map(function (player) {
      const last = nodes(player.interactions)[0];
      const selected = player.name === state.selected;
      return h("li", {}, [
        h("button", {
          type: "button",
          class: "player-row",
          "aria-current": selected ? "true" : null,
          "aria-label": "Open " + player.name,
          "data-player": player.name,
          onclick: function () { select(player.name); },
        }, [
          h("span", { class: "row-top" }, [
            h("span", { class: "player-name", text: player.name }),
            h("span", { class: "muted" }, [time(player.lastSeen)]),
          ]),
          h("span", { class: "row-bottom" }, [
            h("span", { class: "chip", text: Qai.formatNumber(player.totalInteractions) + " msgs" }),
            h("span", { class: "chip", text: nodes(player.observations).length + " obs" }),
            h("span", { class: "snippet", text: last ? "“" + last.message + "”" : "" }),
          ]),
        ]),
      ]);
    }));
    $("newer").disabled = state.cursors.length <= 1;
    $("older").disabled = !state.page.pageInfo.hasNextPage;
  }

  async function turnPage(forward) {
    if (forward) state.cursors.push(state.page.pageInfo.endCursor);
    else if (state.cursors.length > 1) state.cursors.pop();
    try {
      await loadPage(state.cursors[state.cursors.length - 1]);
    } catch (error) {
      failed(error);
    }
  }

  /* ---------- one player ---------- */

  async function select(name) {
    state.selected = name;
    const url = new URL(window.location.href);
    url.searchParams.set("player", name);
    history.replaceState(null, "", url);
    document.querySelectorAll(".player-row").forEach(function (row) {
      if (row.dataset.player === name) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    try {
      await loadPlayer();
    } catch (error) {
      failed(error);
    }
  }

  async function loadPlayer() {
    if (!state.selected) return;
    const ticket = ++tickets.player;
    const data = await Qai.query(PLAYER, { name: state.selected }, state.key);
    if (ticket === tickets.player) renderPlayer(data.player);
  }

  function stat(label, value) {
    return h("div", { class: "stat" }, [h("dt", { text: label }), h("dd", { text: value })]);
  }

  // Where a memory came from: interaction ids, backfilled line ids, and when (text only).
  function sourceList(sources) {
    if (!sources || !sources.length) return null;
    return h("ul", { class: "sources", "aria-label": "Sources" }, sources.map(function (source) {
      return h("li", { class: "source" }, [
        source.interactionId ? h("span", { class: "source-id", text: "interaction " + source.interactionId }) : null,
        source.lineId ? h("span", { class: "source-id", text: "line " + source.lineId }) : null,
        source.at ? time(source.at) : null,
      ]);
    }));
  }

  function supersededChip(by, at) {
    return h("span", {
      class: "chip superseded-chip",
      text: "superseded",
      title: "by " + by + (at ? " · " + absolute.format(new Date(at)) : ""),
    });
  }

  function observationItem(observation) {
    const classes = "observation" + (observation.superseded ? " superseded" : "");
    return h("li", { class: classes, "data-id": observation.id }, [
      h("p", { class: "content", text: observation.content }),
      h("div", { class: "meta" }, [
        observation.superseded ? supersededChip(observation.supersededBy, observation.supersededAt) : null,
        observation.formedBy
          ? h("span", { class: "chip formed-by", text: "formed by " + observation.formedBy })
          : null,
        h("span", { class: "chip", text: observation.category.toLowerCase() }),
        h("span", { class: "confidence" }, [
          h("meter", {
            min: 0, max: 1, value: observation.confidence,
            "aria-label": "Confidence " + percent(observation.confidence),
          }),
          " " + percent(observation.confidence) + " confidence",
        ]),
        h("span", { text: observation.evidenceCount + " evidence" }),
        time(observation.lastReinforced || observation.timestamp),
      ]),
      sourceList(observation.sources),
    ]);
  }

  function tier(title, list) {
    return h("section", { class: "tier" }, [
      h("h4", { text: title + " (" + list.length + ")" }),
      list.length
        ? h("ol", { class: "observation-list" }, list.map(observationItem))
        : h("p", { class: "muted", text: "Nothing yet." }),
    ]);
  }

  function interactionItem(interaction) {
    return h("li", { class: "interaction", "data-id": interaction.id }, [
      h("div", { class: "meta" }, [
        time(interaction.timestamp),
        h("span", { class: "chip", text: interaction.channel.toLowerCase() }),
        interaction.sentiment ? h("span", { class: "chip", text: interaction.sentiment }) : null,
      ]),
      h("p", { class: "message", text: interaction.message }),
      interaction.qaiResponse
        ? h("p", { class: "reply" }, [h("span", { class: "who", text: "QAI " }), interaction.qaiResponse])
        : null,
    ]);
  }

  function renderPlayer(player) {
    const article = $("player");
    $("detail-empty").hidden = Boolean(player);
    article.hidden = !player;
    if (!player) {
      $("detail-empty").textContent = "QAI does not remember " + state.selected + ".";
      return;
    }
    const fidelity = player.averageFidelity === null ? "–" : percent(player.averageFidelity);
    const parts = [
      h("header", { class: "player-head" }, [
        h("h2", { id: "player-name", text: player.name }),
        h("span", { class: "muted" }, ["first seen ", time(player.firstSeen), " · last seen ", time(player.lastSeen)]),
      ]),
      player.summary ? h("p", { class: "summary", text: player.summary }) : null,
      h("dl", { class: "stats" }, [
        stat("interactions", Qai.formatNumber(player.totalInteractions)),
        stat("solutions", Qai.formatNumber(player.totalSolutions)),
        stat("sentiment", (player.sentimentScore >= 0 ? "+" : "") + player.sentimentScore.toFixed(2)),
        stat("helpfulness", percent(player.helpfulnessScore)),
        stat("avg fidelity", fidelity),
        stat("play style", player.playStyle || "–"),
        stat("patterns", player.preferredPatterns.join(", ") || "–"),
      ]),
      player.memorableMoments.length
        ? h("ul", { class: "moments", "aria-label": "Memorable moments" },
            player.memorableMoments.map(function (m) { return h("li", { text: m }); }))
        : null,
      h("div", { class: "columns" }, [
        h("section", { class: "observations", "aria-labelledby": "obs-title" }, [
          h("h3", { id: "obs-title", text: "Observations" }),
          tier("Long-term", nodes(player.longTerm)),
          tier("Short-term", nodes(player.shortTerm)),
        ]),
        h("section", { class: "interactions", "aria-labelledby": "int-title" }, [
          h("h3", { id: "int-title", text: "Recent interactions" }),
          h("ol", { class: "interaction-list" }, nodes(player.interactions).map(interactionItem)),
        ]),
      ]),
    ];
    article.replaceChildren.apply(article, parts.filter(Boolean));
  }

  /* ---------- flagged memories (moderators) ---------- */

  async function loadFlagged() {
    let data;
    try {
      data = await Qai.query(FLAGGED, {}, state.key);
    } catch (error) {
      if (error.code !== "FORBIDDEN") throw error;
      $("flagged").hidden = true; // not a moderator's key: nothing to moderate here
      return;
    }
    const list = $("flagged-list");
    const flagged = nodes(data.flaggedMemories);
    list.replaceChildren.apply(list, flagged.length
      ? flagged.map(flaggedItem)
      : [h("li", { class: "muted", text: "Nothing flagged." })]);
    $("flagged").hidden = false;
  }

  function flaggedItem(entry) {
    const ref = entry.memory;
    async function act(kind) {
      try {
        await Qai.query(MODERATE[kind], { ref: ref }, state.key);
        await loadFlagged();
      } catch (error) {
        failed(error);
      }
    }
    return h("li", { class: "flagged-item" + (entry.hidden ? " hidden-memory" : ""), "data-id": ref.id }, [
      h("div", { class: "meta" }, [
        time(entry.timestamp),
        h("span", { class: "chip", text: ref.kind.toLowerCase() }),
        h("span", { class: "chip", text: entry.flag, title: entry.flagReasons.join("; ") }),
        h("span", { class: "muted", text: entry.player || ref.subject }),
        entry.hidden ? h("span", { class: "chip", text: "hidden" }) : null,
      ]),
      h("p", { class: "text", text: entry.text }),
      h("div", { class: "actions" }, [
        h("button", { type: "button", "aria-label": "Release " + ref.id, text: "Release",
          onclick: function () { act("release"); } }),
        entry.hidden ? null : h("button", { type: "button", class: "quiet", "aria-label": "Hide " + ref.id,
          text: "Hide", onclick: function () { act("hide"); } }),
      ]),
    ]);
  }

  /* ---------- recall ---------- */

  async function search(event) {
    event.preventDefault();
    const text = $("search-input").value.trim();
    if (!text) return;
    try {
      const data = await Qai.query(RECALL, { query: text }, state.key);
      const list = $("memory-list");
      const memories = data.recall.memories;
      list.replaceChildren.apply(list, memories.length
        ? memories.map(function (memory) {
            const by = memory.data && memory.data.superseded_by;
            return h("li", { class: "memory" + (by ? " superseded" : "") }, [
              h("div", { class: "meta" }, [
                h("span", { class: "chip", text: memory.type }),
                by ? supersededChip(by, memory.data.superseded_at) : null,
                h("span", { class: "muted", text: memory.subject }),
                h("span", { class: "muted", text: "score " + memory.score.toFixed(2) }),
              ]),
              h("p", { text: memory.content }),
              memory.type === "observation" ? sourceList(memory.sources) : null,
            ]);
          })
        : [h("li", { class: "muted", text: "Nothing recalled for “" + text + "”." })]);
      $("results").hidden = false;
    } catch (error) {
      failed(error);
    }
  }

  /* ---------- live ---------- */

  // At most one refresh in flight; changes during it trigger exactly one more.
  async function refresh() {
    if (state.refreshing) {
      state.refreshAgain = true;
      return;
    }
    state.refreshing = Promise.all([
      loadPage(state.cursors[state.cursors.length - 1]),
      loadPlayer(),
      loadFlagged(),
    ]).catch(failed);
    await state.refreshing;
    state.refreshing = null;
    if (state.refreshAgain) {
      state.refreshAgain = false;
      refresh();
    }
  }

  function goLive() {
    if (state.live) state.live.stop();
    state.live = Qai.live({
      key: state.key,
      subscriptions: [{
        query: `subscription Live { evolutionUpdated(minIntervalMs: 1000) { ${EVOLUTION} } }`,
        onData: function (data) {
          const next = data.evolutionUpdated;
          const shown = state.evolution;
          // The Dashboard query's evolution has no solutions count: compare what both have.
          const changed = shown &&
            (next.totalInteractions !== shown.totalInteractions ||
             (shown.totalSolutionsObserved !== undefined &&
              next.totalSolutionsObserved !== shown.totalSolutionsObserved));
          renderEvolution(next);
          if (changed) refresh();
        },
      }],
      onStatus: function (status) {
        $("live").textContent = status === "live" ? "live" : "reconnecting";
        $("live").classList.toggle("on", status === "live");
      },
    });
  }

  /* ---------- start ---------- */

  async function start() {
    try {
      await Promise.all([loadPage(null), loadPlayer(), loadFlagged()]);
      goLive();
    } catch (error) {
      failed(error);
    }
  }

  $("key-form").addEventListener("submit", function (event) {
    event.preventDefault();
    state.key = $("key-input").value.trim();
    localStorage.setItem(KEY_STORAGE, state.key);
    $("key-input").value = "";
    start();
  });
  $("key-forget").addEventListener("click", function () {
    localStorage.removeItem(KEY_STORAGE);
    state.key = "";
    notice("The saved key was forgotten.");
  });
  $("key-button").addEventListener("click", function () { askForKey(""); });
  $("older").addEventListener("click", function () { turnPage(true); });
  $("newer").addEventListener("click", function () { turnPage(false); });
  $("search").addEventListener("submit", search);
  $("results-close").addEventListener("click", function () { $("results").hidden = true; });
  start();
})();
