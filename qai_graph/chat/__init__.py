"""The bot's response loop (``qai-graph chat``): a client of QAI's memory, not a face.

Per chat message: ask the memory for the system prompt (with the message), ask a model
for a reply, answer within Twitch's 500 characters, record the exchange with the chat
message id as idempotency key. ``memory`` reaches the GraphQL API over HTTP (or a
MemoryService in-process); ``models`` are the offline rule model and Anthropic/Bedrock;
``twitch`` is IRC over TLS; ``loop`` ties them together.
"""
