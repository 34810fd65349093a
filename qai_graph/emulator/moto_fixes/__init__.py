"""Fixes to moto's DynamoDB backend, one module per concern (numbered in :mod:`..patches`).

Each module keeps moto's originals it wraps and defines the replacements; nothing is
replaced on import. :func:`qai_graph.emulator.patches.apply` installs them, in the child
process only, from the one registry :data:`~qai_graph.emulator.patches.PATCHES`.
"""
