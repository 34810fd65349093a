"""QAI's evolution through personality stages.

- ``rules``: the pure rules (stages, thresholds, what a state is).
- ``tracker``: :class:`EvolutionTracker`, reading and advancing the stored counters.
- ``feed``: :class:`EvolutionFeed`, other replicas' advances read from the table.
The stored form lives in :mod:`qai_graph.store.evolution`.
"""
