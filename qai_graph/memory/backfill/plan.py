"""Backfill's plan: what each line becomes (its interaction, its formation: inline or
a pending item), in which lanes and transactions it is written.

Trust sees every line in time order (a split injection across two lines is caught),
and each session's earlier lines in the file are the context formation reads.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.backfill.lines import BackfillLine
from qai_graph.memory.formation import Formation
from qai_graph.memory.formation.beliefs import Sentence
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.models import Interaction
from qai_graph.store import keys
from qai_graph.store.formation import MAX_EARLIER, PendingExchange

MAX_ITEMS = 100  # DynamoDB's limit of items in one transaction
# Items one formed sentence is counted for when sizing a transaction: a new observation
# and its guard, or a reinforced one and its guard. A sentence that also supersedes may
# take more; the writer then splits the transaction (apply.py).
SENTENCE_ITEMS = 2


@dataclass
class Planned:
    """A line to apply, with everything its transaction items need."""

    line: BackfillLine
    interaction_id: str
    interaction: Interaction | None  # None: past its TTL, not stored
    pending: PendingExchange | None  # the exchange formation reads (None: not formed)
    vector: dict[str, Any] = field(default_factory=dict)
    # Formed inline (forming.py): what the exchange says, written with the line; None:
    # not formed yet, its pending item is written instead.
    sentences: list[Sentence] | None = None
    observed: bool = False  # the inline formation read it (once, even when it failed)

    @property
    def ref(self) -> tuple[str, str]:
        return self.line.key, self.line.line_id

    @property
    def flagged(self) -> bool:
        return self.interaction is not None and self.interaction.flag is not None

    @property
    def queued(self) -> bool:
        """Formed through a pending item (written in its transaction)."""
        return self.pending is not None and self.sentences is None

    def item_count(self) -> int:
        formed = SENTENCE_ITEMS * len(self.sentences or ())
        return 1 + (self.interaction is not None) + self.flagged + self.queued + formed


def plan_lines(
    ordered: Sequence[BackfillLine],
    done: set[tuple[str, str]],
    config: MemoryConfig,
    formation: Formation,
    trust: TrustGate,
) -> list[Planned]:
    """Every line not applied yet (``done``: applied before), with its interaction
    (None when past its TTL) and its pending formation (None when flagged or private)."""
    now_epoch = int(time.time())
    sessions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    out: list[Planned] = []
    todo = [x for x in ordered if (x.key, x.line_id) not in done]
    players_todo = {x.key for x in todo}
    sessions_todo = {x.session_id for x in todo if x.session_id}
    for line in ordered:
        if line.key not in players_todo and line.session_id not in sessions_todo:
            continue  # applied, and no line still to apply reads it (a replay: all)
        private = trust.is_private(line.channel.value, line.private)
        assessed = trust.assess_message(line.key, line.message)
        trust.said(line.key, line.message)
        earlier: tuple[tuple[str, str], ...] = ()
        if line.session_id:
            turns = sessions[line.session_id]
            earlier = tuple(turns[-MAX_EARLIER:])
            turns.append((line.display, trust.shared_text(line.message, assessed, private)))
            if line.response:
                turns.append(("QAI", line.response))
        if (line.key, line.line_id) in done:
            continue
        at = line.at.timestamp()
        interaction_id = keys.line_time_id(at, line.key, line.line_id)
        ttl = int(at) + config.interaction_ttl
        interaction = None
        if ttl > now_epoch:
            interaction = Interaction(
                interaction_id=interaction_id,
                timestamp=line.at,
                player=line.display,
                channel=line.channel,
                message=line.message,
                qai_response=line.response,
                sentiment=line.sentiment,
                ttl=ttl,
                session_id=line.session_id,
                line_id=line.line_id,
                flag=assessed.flag,
                flag_reasons=list(assessed.reasons),
                private=private,
            )
        pending = None
        if formation.enabled and assessed.flag is None and not private:
            pending = formation.pending_for(
                line.key,
                line.display,
                interaction_id,
                line.at,
                line.message,
                line.response,
                line.channel.value,
                line.session_id,
                line_id=line.line_id,
                earlier=earlier,
            )
        out.append(Planned(line, interaction_id, interaction, pending))
    return out


def in_order(lines: Sequence[BackfillLine]) -> list[BackfillLine]:
    """Time order (input order among equal times); the first of each (player, id)."""
    seen: set[tuple[str, str]] = set()
    out: list[BackfillLine] = []
    for line in sorted(lines, key=lambda x: (x.at, x.number)):
        ref = (line.key, line.line_id)
        if ref not in seen:
            seen.add(ref)
            out.append(line)
    return out


def lanes(lines: Sequence[Planned], count: int) -> list[list[Planned]]:
    """The lines split by player into ``count`` lanes, each by player, then time: a
    transaction then holds a few players' lines (one profile update each, the costly
    item) instead of one line of each of many players."""
    lanes: list[list[Planned]] = [[] for _ in range(count)]
    order = {key: n for n, key in enumerate(sorted({x.line.key for x in lines}))}
    for x in lines:
        lanes[order[x.line.key] % count].append(x)
    for lane in lanes:
        lane.sort(key=lambda x: (x.line.key, x.line.at, x.line.number))
    return [lane for lane in lanes if lane]


def chunks(lines: Sequence[Planned]) -> Iterable[list[Planned]]:
    """Consecutive lines whose transaction (theirs, a profile per player, one counter)
    fits in ``MAX_ITEMS``."""
    chunk: list[Planned] = []
    players_in: set[str] = set()
    count = 1  # the evolution counter
    for x in lines:
        cost = x.item_count() + (x.line.key not in players_in)
        if chunk and count + cost > MAX_ITEMS:
            yield chunk
            chunk, players_in, count = [], set(), 1
            cost = x.item_count() + 1
        chunk.append(x)
        players_in.add(x.line.key)
        count += cost
    if chunk:
        yield chunk
