"""QAI's system prompt: the builder, the persona it speaks with, and the persona files."""
