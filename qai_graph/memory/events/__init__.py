"""Memory events and how they reach the faces (subscriptions, overlays, MCP).

- ``hub``: the kinds of event and :class:`EventHub`, the service's synchronous fan-out.
- ``bus``: :class:`EventBus` and its in-process form: streams subscribers read from.
- ``replicas``: the default bus of a replica among several (its own events plus the
  other replicas' evolution events read from the table).
"""
