"""Recall: what QAI remembers that matters now.

- ``reader``: :class:`Recaller`, the use cases (free-text recall, a player's context,
  the memories most relevant to a message).
- ``search``: the in-process hybrid index they read (analysis, BM25 + vectors, ranking,
  keeping it in sync with the table).
"""
