"""The embedded DynamoDB: moto's server in a child process, kept by a journal and snapshots.

``embedded`` is the parent's handle (:class:`EmbeddedDynamo`); ``child`` the emulator
process; ``guard``, ``journal`` and ``snapshot`` its persistence; ``patches`` moto fixes.
Nothing here imports moto except the modules the child process runs.
"""
