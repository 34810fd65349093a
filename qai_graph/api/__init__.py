"""The GraphQL API: Strawberry types and resolvers over MemoryService, served by Starlette.

Resolvers are thin: they map domain models to GraphQL types and call the service.
``create_app`` (in :mod:`qai_graph.app`) owns every resource through its lifespan.
"""
