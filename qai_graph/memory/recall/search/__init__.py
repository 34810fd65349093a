"""Recall's search: an in-process hybrid index over all of QAI's live memory.

- ``text``: chat-aware analysis (casefold, @mentions, emotes, chat slang, stemming,
  typo repair) and the domain thesaurus used for query expansion.
- ``index``: the index itself: documents, a BM25 inverted index in compact arrays, and
  a vector matrix; add, update and remove in place.
- ``threads``: each conversation's turns in time order, each turn's neighbours by pointer.
- ``ranking``: fusion of lexical and semantic relevance with the secondary signals;
  ``context``: the share of a turn's neighbours' relevance it takes (a reply is found by
  the question it answers).
- ``documents``: table items -> index documents (what each kind of memory says).
- ``sync``: building the index from the table and keeping it current across replicas.
"""
