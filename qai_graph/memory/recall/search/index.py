"""The in-process recall index: documents, BM25 postings and vectors, updated in place.

Memory is kept compact because one replica may hold up to ~1,000,000 live memories:
- one small slotted ``Doc`` per memory (what recall returns and the prompt quotes);
- per-slot numbers in numpy arrays (document length, kind, time, ttl, confidence, ...);
- postings as two ``array`` buffers per term (slot ids as uint32, term counts as uint16),
  never a Python object per posting;
- vectors as one float32 matrix (rows = slots), unit length, zero where missing (never
  set, or removed).

Removal marks a slot dead (its postings stay until ``compact``, which runs when a
quarter of the slots are dead). Every read checks liveness and the ttl at query time, so
an expired memory is never returned even before the sweep removes it.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search.columns import INITIAL as _INITIAL
from qai_graph.memory.recall.search.columns import Grow as _Grow
from qai_graph.memory.recall.search.doc import F32, INTERACTION, NO_TTL, PROFILE, Doc
from qai_graph.memory.recall.search.text import asks
from qai_graph.memory.recall.search.threads import Threads
from qai_graph.store import keys

BM25_K1 = 1.2
BM25_B = 0.75


def _same_place(old: Doc, new: Doc) -> bool:
    """The same place in its conversation (thread and time): its links still hold."""
    return old.thread == new.thread and (new.thread is None or old.timestamp == new.timestamp)


class MemoryIndex:
    """Hybrid (BM25 + vectors) index of live memories; single-threaded (the event loop)."""

    def __init__(self, dim: int = 0) -> None:
        self.dim = dim
        self.docs: list[Doc | None] = []
        self.slots: dict[tuple[str, str], int] = {}
        self.vocab: dict[str, int] = {}
        self.post_slots: list[array[int]] = []
        self.post_tf: list[array[int]] = []
        self.df: list[int] = []
        self._length = _Grow(np.float32)
        self._alive = _Grow(np.bool_, False)
        self._kind = _Grow(np.int8)
        self._ts = _Grow(np.float64)
        self._first = _Grow(np.float64)  # when it began (see Doc.first): spans [first, ts]
        self._ttl = _Grow(np.float64, NO_TTL)
        self._confidence = _Grow(np.float32)
        self._evidence = _Grow(np.float32)
        self._promoted = _Grow(np.bool_, False)
        self._has_vec = _Grow(np.bool_, False)
        self._general = _Grow(np.bool_, False)  # about GENERAL or a PATTERN#, not a player
        self._restricted = _Grow(np.bool_, False)  # flagged or private: its player only
        self._hidden = _Grow(np.bool_, False)  # hidden by a moderator: nobody
        self._superseded = _Grow(np.bool_, False)  # replaced by a newer observation
        self._asks = _Grow(np.bool_, False)  # an interaction that only asks (``text.asks``)
        self.banned: set[str] = set()  # player keys whose memories nobody is shown
        self._ban_versions: dict[str, int] = {}  # the moderation version each ban state is at
        self._vectors: F32 = np.zeros((_INITIAL if dim else 0, dim), dtype=np.float32)
        self.live = 0
        self._dead = 0
        self._total_length = 0.0
        # player key -> display name, and slots of each subject (for name boosts). A
        # player's memories are their partition's (``Doc.player`` is read from the pk),
        # so the slots of a player are ``by_subject[PLAYER#<key>]``: no second set.
        self.players: dict[str, str] = {}
        self.by_subject: dict[str, set[int]] = {}
        self.threads = Threads(self.docs)  # each conversation's turns, in time order

    # --- writing -----------------------------------------------------------------------

    def upsert(self, doc: Doc, vector: F32 | None = None) -> None:
        """Add a memory, or update it in place (re-indexing its text only if it changed)."""
        key = (doc.pk, doc.sk)
        slot = self.slots.get(key)
        if slot is not None:
            old = self.docs[slot]
            if old is not None and old.moderated > doc.moderated:
                # A copy read before a moderation this index already applied (a write
                # made from an earlier read): what the moderator decided stays.
                doc.hidden, doc.flag, doc.moderated = old.hidden, old.flag, old.moderated
            if old is not None and old.terms == doc.terms and _same_place(old, doc):
                self.docs[slot] = doc
                self._set_numbers(slot, doc)
                if vector is not None:
                    self._set_vector(slot, vector)
                return
            if vector is None and self.dim and self._has_vec.data[slot]:
                vector = self._vectors[slot].copy()
            self.remove(doc.pk, doc.sk)
        self._add(doc, vector)

    def remove(self, pk: str, sk: str) -> bool:
        """Forget one memory; True when it was indexed."""
        slot = self.slots.pop((pk, sk), None)
        if slot is None:
            return False
        doc = self.docs[slot]
        self.docs[slot] = None
        self._alive.data[slot] = False
        self._has_vec.data[slot] = False
        if self.dim:
            self._vectors[slot] = 0.0  # a row without a vector is zero (see ``cosine``)
        self.live -= 1
        self._dead += 1
        self._total_length -= float(self._length.data[slot])
        if doc is not None:
            self._unlink(doc, slot)
        if self._dead > 1000 and self._dead > len(self.docs) // 4:
            self.compact()
        return True

    def remove_partition(self, pk: str, written_before: float = math.inf) -> int:
        """Forget every memory of a partition written before a time; returns how many."""
        slots = list(self.by_subject.get(pk, ()))
        removed = 0
        for slot in slots:
            doc = self.docs[slot]
            if doc is not None and doc.timestamp <= written_before:
                removed += self.remove(doc.pk, doc.sk)
        return removed

    def set_vector(self, pk: str, sk: str, vector: F32) -> None:
        """Give an indexed memory its vector."""
        slot = self.slots.get((pk, sk))
        if slot is not None:
            self._set_vector(slot, vector)

    def _add(self, doc: Doc, vector: F32 | None) -> None:
        slot = len(self.docs)
        self.docs.append(doc)
        self.slots[(doc.pk, doc.sk)] = slot
        size = slot + 1
        for column in self._columns():
            column.ensure(size)
        if self.dim and size > len(self._vectors):
            grown = np.zeros((max(size, 2 * len(self._vectors)), self.dim), dtype=np.float32)
            grown[: len(self._vectors)] = self._vectors
            self._vectors = grown
        counts = Counter(doc.terms)
        for term, tf in counts.items():
            term_id = self.vocab.get(term)
            if term_id is None:
                term_id = len(self.post_slots)
                self.vocab[term] = term_id
                self.post_slots.append(array("I"))
                self.post_tf.append(array("H"))
                self.df.append(0)
            self.post_slots[term_id].append(slot)
            self.post_tf[term_id].append(min(tf, 65535))
            self.df[term_id] += 1
        self._length.data[slot] = len(doc.terms)
        self._total_length += len(doc.terms)
        self._alive.data[slot] = True
        self._set_numbers(slot, doc)
        if vector is not None:
            self._set_vector(slot, vector)
        self.live += 1
        self.threads.add(slot, doc)
        self.by_subject.setdefault(doc.subject, set()).add(slot)
        if doc.player is not None:
            if doc.display and (doc.kind == PROFILE or doc.player not in self.players):
                self.players[doc.player] = doc.display
            self.players.setdefault(doc.player, doc.player)

    def _unlink(self, doc: Doc, slot: int) -> None:
        self.threads.remove(slot, doc)
        for term in set(doc.terms):
            term_id = self.vocab.get(term)
            if term_id is not None:
                self.df[term_id] -= 1
        subject = self.by_subject.get(doc.subject)
        if subject is not None:
            subject.discard(slot)
            if not subject:
                del self.by_subject[doc.subject]
                if doc.player is not None:
                    self.players.pop(doc.player, None)  # their last memory went

    def _set_numbers(self, slot: int, doc: Doc) -> None:
        self._kind.data[slot] = doc.kind
        self._ts.data[slot] = doc.timestamp
        self._first.data[slot] = min(doc.first or doc.timestamp, doc.timestamp)
        self._ttl.data[slot] = doc.ttl
        self._confidence.data[slot] = doc.confidence
        self._evidence.data[slot] = doc.evidence
        self._promoted.data[slot] = doc.promoted
        self._general.data[slot] = not keys.is_player_pk(doc.subject)
        self._restricted.data[slot] = doc.restricted
        self._hidden.data[slot] = doc.hidden
        self._superseded.data[slot] = doc.superseded
        # A line QAI answered holds its answer (``response``): it asks and tells.
        self._asks.data[slot] = doc.kind == INTERACTION and not doc.response and asks(doc.text)
        if doc.kind == PROFILE and doc.player is not None:
            self.set_banned(doc.player, doc.banned, doc.moderated)

    def _set_vector(self, slot: int, vector: F32) -> None:
        if self.dim and vector.shape == (self.dim,):
            self._vectors[slot] = vector
            self._has_vec.data[slot] = True

    def _columns(self) -> Iterator[_Grow]:
        yield from (
            self._length,
            self._alive,
            self._kind,
            self._ts,
            self._first,
            self._ttl,
            self._confidence,
            self._evidence,
            self._promoted,
            self._has_vec,
            self._general,
            self._restricted,
            self._hidden,
            self._superseded,
            self._asks,
        )

    def compact(self) -> None:
        """Rebuild without dead slots (postings, columns and vectors shrink)."""
        live = [
            (d, self._vectors[s].copy() if self.dim and self._has_vec.data[s] else None)
            for s, d in enumerate(self.docs)
            if d is not None
        ]
        fresh = MemoryIndex(self.dim)
        fresh.banned, fresh._ban_versions = self.banned, self._ban_versions  # not per slot
        for doc, vector in live:
            fresh._add(doc, vector)
        self.__dict__.update(fresh.__dict__)

    # --- reading -----------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Slots in use, dead ones included (the length of every column)."""
        return len(self.docs)

    def visible(self, now: float, asker: str | None = None) -> npt.NDArray[np.bool_]:
        """Live slots whose ttl has not passed that ``asker`` (a player key, or None for
        nobody in particular) may be shown: not hidden, not a banned player's, and not
        flagged or private unless they are the asker's own."""
        n = self.size
        live = self._alive.data[:n] & (self._ttl.data[:n] > now) & ~self._hidden.data[:n]
        mask: npt.NDArray[np.bool_] = live & ~self._restricted.data[:n]
        own = self._of_player(asker) if asker else None
        if own:
            slots = np.fromiter(own, dtype=np.int64, count=len(own))
            mask[slots] = live[slots]
        for player in self.banned:
            theirs = self._of_player(player)
            if theirs:
                mask[np.fromiter(theirs, dtype=np.int64, count=len(theirs))] = False
        return mask

    def set_banned(self, player: str, banned: bool, version: int = 0) -> bool:
        """Show none (or again all) of ``player``'s memories, whatever replica banned them;
        a state older than the one applied (a lower moderation ``version``) is ignored."""
        if version < self._ban_versions.get(player, 0):
            return False
        if version:
            self._ban_versions[player] = version
        if banned:
            self.banned.add(player)
        else:
            self.banned.discard(player)
        return True

    def clear_ban(self, player: str) -> None:
        """Forget a player's ban state (the player was erased: a newcomer of that name
        starts unbanned, at version 0)."""
        self.banned.discard(player)
        self._ban_versions.pop(player, None)

    def moderate(self, pk: str, sk: str, *, hidden: bool, flag: str | None, version: int) -> bool:
        """Apply a moderation of one memory (hidden or shown, flag kept or released) unless
        the index holds a newer one; False when it is not indexed or the state is older."""
        slot = self.slots.get((pk, sk))
        doc = self.docs[slot] if slot is not None else None
        if slot is None or doc is None or version < doc.moderated:
            return False
        doc.hidden, doc.flag, doc.moderated = hidden, flag, version
        self._hidden.data[slot] = hidden
        self._restricted.data[slot] = doc.restricted
        return True

    def set_hidden(self, pk: str, sk: str, hidden: bool) -> bool:
        """Hide (or show again) one memory; False when the index does not hold it."""
        slot = self.slots.get((pk, sk))
        doc = self.docs[slot] if slot is not None else None
        if slot is None or doc is None:
            return False
        doc.hidden = hidden
        self._hidden.data[slot] = hidden
        return True

    def column(self, name: str) -> npt.NDArray[Any]:
        """A per-slot column, cut to the slots in use (kind, ts, ttl, confidence, ...)."""
        grown: _Grow = getattr(self, "_" + name)
        return grown.data[: self.size]

    def superseder_of(self, slot: int) -> int | None:
        """The slot of the observation that superseded the one in ``slot`` (the same
        subject's), or None when it was not superseded or that one is not indexed."""
        doc = self.docs[slot]
        if doc is None or doc.superseded_by is None:
            return None
        return self.slots.get((doc.pk, keys.observation_sk(doc.superseded_by)))

    def docs_kind(self, slot: int) -> int:
        """The kind of memory in a slot."""
        return int(self._kind.data[slot])

    def doc_frequency(self, term: str) -> int:
        """Live documents containing ``term`` (0 when unknown)."""
        term_id = self.vocab.get(term)
        return 0 if term_id is None else self.df[term_id]

    def bm25(self, weights: dict[str, float]) -> F32:
        """BM25 score of every slot for weighted query stems (dead slots included)."""
        n = self.size
        scores = np.zeros(n, dtype=np.float32)
        if not n or not self.live:
            return scores
        average = max(self._total_length / self.live, 1.0)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self._length.data[:n] / average)
        for term, weight in weights.items():
            term_id = self.vocab.get(term)
            if term_id is None or self.df[term_id] <= 0:
                continue
            df = self.df[term_id]
            idf = math.log(1 + (self.live - df + 0.5) / (df + 0.5))
            slots = np.frombuffer(self.post_slots[term_id], dtype=np.uint32)
            tf = np.frombuffer(self.post_tf[term_id], dtype=np.uint16).astype(np.float32)
            scores[slots] += weight * idf * tf * (BM25_K1 + 1) / (tf + norm[slots])
        return scores

    def cosine(self, query: F32) -> F32 | None:
        """Cosine similarity of every slot's vector with a unit query (0 without one)."""
        if not self.dim or query.shape != (self.dim,):
            return None
        # Rows without a vector are zero (never set, or cleared on removal), so their
        # similarity is 0 without a mask: one pass over the matrix and nothing else.
        sims = self._vectors[: self.size] @ query
        result: F32 = sims.astype(np.float32, copy=False)
        return result

    def vector_of(self, slot: int) -> F32 | None:
        """The stored vector of a slot, or None."""
        if not self.dim or not self._has_vec.data[slot]:
            return None
        row: F32 = self._vectors[slot]
        return row

    def slots_of(self, keys: Iterable[str], *, players: bool) -> set[int]:
        """Slots of the given player keys (``players``) or subjects."""
        found: set[int] = set()
        for key in keys:
            found |= (self._of_player(key) if players else self.by_subject.get(key)) or set()
        return found

    def _of_player(self, player: str) -> set[int] | None:
        """The slots of a player's memories (their partition's), or None."""
        return self.by_subject.get(keys.player_partition(player))

    def general_subjects(self) -> list[str]:
        """Subjects that are not players: GENERAL and each PATTERN#<id>."""
        return [s for s in self.by_subject if not keys.is_player_pk(s)]

    def expiring(self, since: float, until: float) -> list[Doc]:
        """Live docs whose ttl falls in (since, until]: candidates for the expiry check."""
        n = self.size
        ttl = self._ttl.data[:n]
        hits = np.nonzero(self._alive.data[:n] & (ttl > since) & (ttl <= until))[0]
        return [d for d in (self.docs[int(s)] for s in hits) if d is not None]

    def memory_bytes(self) -> int:
        """Approximate bytes held by numpy columns, postings and vectors (not the docs)."""
        columns = sum(c.data.nbytes for c in self._columns())
        postings = sum(len(a) * 4 for a in self.post_slots) + sum(len(a) * 2 for a in self.post_tf)
        return columns + postings + self._vectors.nbytes + self.threads.memory_bytes()
