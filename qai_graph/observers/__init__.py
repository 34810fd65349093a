"""Observers: read one exchange with a player and say what is worth keeping about them.

``QAI_MEMORY_OBSERVER`` picks the backend (``factory.make_observer``): ``local`` (rules,
no model, the default), ``bedrock`` and ``anthropic`` (the seed's one-sentence-or-NONE
prompt), ``none``. Observers never touch the table: memory/formation/ decides whether a
formed sentence is new, reinforces an observation or supersedes one, and stores it.
"""

from qai_graph.observers.base import ExchangeView, Formed, Observer, Turn

__all__ = ["ExchangeView", "Formed", "Observer", "Turn"]
