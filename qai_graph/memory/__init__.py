"""The use cases of QAI's memory: service, evolution, consolidation, sessions, recall, prompts."""
