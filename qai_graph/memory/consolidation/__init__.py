"""Consolidation: what QAI's memory keeps, merges and lets go, by its own rules.

A run (``run.Consolidator``) promotes what proved true, then visits each player touched
since the last run (and each player whose observations are about to be pruned), then
prunes what expired. Nothing lasts by stretching a ttl: every memory is short-term with
its ttl until one of these rules keeps it.

Which rule keeps what:

- **promotion** (``run``, ``player``): an observation reinforced to confidence >= 0.8
  and evidence >= 3 (the seed's thresholds, config) becomes LONG_TERM with no ttl. A
  formed one that met them but expired before any run saw it (backfilled history, born
  past its ttl) is promoted before the prune: it proved true while it lived.
- **session summary** (``summaries``): the formed short-term observations of one session
  (or UTC day), once the session ended or they expire, become one LONG_TERM observation
  per player and session.
- **memorable moments** (``memory/profile_rules.py``, ``player``): the 10 most salient
  formed observations, kept as strings on the (long-term) profile.
- **merge** (``bounds``): related formed observations merged while a player is over the
  cap; LONG_TERM when any part was.
- **learned profile** (``memory/profile_rules.py``): play style, preferred patterns and
  average fidelity from the solutions, sentiment from the interactions.

What goes: whatever expired (the prune), interactions beyond
``max_interactions_per_player`` (oldest first) and observations beyond
``max_observations_per_player`` (merged first, then the least valuable dropped; a
promoted one only when nothing else is left: ``bounds``).
"""

from qai_graph.memory.consolidation.run import Consolidator

__all__ = ["Consolidator"]
