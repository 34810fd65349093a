"""The embedded DynamoDB: moto's server in a child process, kept by a journal and snapshots.

``embedded`` is the parent's handle (:class:`EmbeddedDynamo`); ``child`` the emulator
process; ``guard``, ``journal``, ``snapshot``, ``forked`` and ``copy_on_write`` its
persistence; ``patches`` names every change to moto, the fixes in ``moto_fixes``.
Nothing here imports moto except the modules the child process runs.
"""
