"""Face 2: QAI's memory as MCP tools, prompts and resources (the seed's Phase 2).

One definition (``server.build_server``) served over two transports: stdio
(``qai-graph mcp``) and Streamable HTTP at ``/mcp`` beside ``/graphql`` (``http``).
Like ``api/``, it only maps types and calls ``MemoryService``; roles come from
``qai_graph.security``, shared with the GraphQL face.
"""
