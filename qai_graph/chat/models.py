"""The language models the loop can ask: an offline rule model (the default, runs
anywhere, and visibly uses the memory in the prompt), Anthropic, and Amazon Bedrock.

A model gets the system prompt and the player's message and returns QAI's reply. The
hosted ones are used only when asked for and their package and credentials exist.
"""

from __future__ import annotations

import os
import re
from typing import Any, Protocol

# Lines the prompt builder writes under "## What I Remember" (memory/prompt/remembering.py).
# Quotes are typographic (“ ”): no chat text can type the closing one as ASCII.
_SAID = re.compile(r"^- They said(?: \([^)]*\))?: \u201c(.*)\u201d$", re.MULTILINE)
_OBSERVED = re.compile(r"^- I observed: \u201c(.*?)\u201d", re.MULTILINE)
_TIMES = re.compile(r"^- We have interacted (\d+) times?$", re.MULTILINE)
# The session's exchanges, oldest first, under "## This Conversation" (each appears once).
_CONVERSATION = re.compile(r"^- (.+?) said: \u201c(.*)\u201d$", re.MULTILINE)
MAX_TOKENS = 300


class Model(Protocol):
    """Answers a player, given QAI's system prompt."""

    name: str

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        """QAI's reply to ``message`` from ``player``."""
        ...


class OfflineModel:
    """No LLM: a reply built from the prompt's memory, so the loop runs anywhere and a
    test can see the memory at work (the last thing the player said, an observation)."""

    name = "offline"

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        """Greets a new player; quotes what a known one said last, and an observation."""
        # What the player said last in this conversation, else the newest remembered line.
        said = [text for who, text in _CONVERSATION.findall(system_prompt) if who == player]
        said = said[-1:] or _SAID.findall(system_prompt)
        observed = _OBSERVED.findall(system_prompt)
        times = _TIMES.search(system_prompt)
        if not said:
            opening = f"Welcome, {player}. I am QAI, and I will remember you."
        else:
            count = int(times.group(1)) if times else len(said)
            so_far = f"{count} message{'' if count == 1 else 's'} so far"
            opening = f'Last time you told me "{said[0]}" ({so_far}).'
        if observed:
            opening += f' I noted: "{observed[0]}".'
        return f"{opening} You say: {message} The lattice hums in answer."


class AnthropicModel:
    """Anthropic's Messages API (package ``anthropic``, key in ANTHROPIC_API_KEY)."""

    name = "anthropic"

    def __init__(self, model: str) -> None:
        import anthropic  # type: ignore[import-not-found]  # optional: only when chosen

        self._client: Any = anthropic.AsyncAnthropic()
        self._model = model

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        """One Messages call with the system prompt."""
        answer = await self._client.messages.create(
            model=self._model,
            max_tokens=MAX_TOKENS,
            system=system_prompt,
            messages=[{"role": "user", "content": f"{player}: {message}"}],
        )
        return "".join(getattr(block, "text", "") for block in answer.content)


class BedrockModel:
    """Amazon Bedrock's Converse API through aioboto3 (AWS credentials as for the table)."""

    name = "bedrock"

    def __init__(self, model: str, region: str) -> None:
        import aioboto3

        self._session = aioboto3.Session()
        self._model = model
        self._region = region

    async def reply(self, system_prompt: str, player: str, message: str) -> str:
        """One Converse call with the system prompt."""
        async with self._session.client("bedrock-runtime", region_name=self._region) as client:
            answer: Any = await client.converse(
                modelId=self._model,
                system=[{"text": system_prompt}],
                messages=[{"role": "user", "content": [{"text": f"{player}: {message}"}]}],
                inferenceConfig={"maxTokens": MAX_TOKENS},
            )
        blocks = answer["output"]["message"]["content"]
        return "".join(block.get("text", "") for block in blocks)


DEFAULT_MODELS = {
    "anthropic": "claude-sonnet-4-5",
    "bedrock": "anthropic.claude-3-5-haiku-20241022-v1:0",
}


def choose_model(kind: str, model_id: str | None = None, region: str = "us-east-1") -> Model:
    """The model ``kind`` names (offline, anthropic, bedrock); ValueError when its package
    or credentials are missing, saying what to install or set."""
    if kind == "offline":
        return OfflineModel()
    chosen = model_id or DEFAULT_MODELS.get(kind, "")
    if kind == "anthropic":
        if not os.environ.get("ANTHROPIC_API_KEY"):
            raise ValueError("the anthropic model needs ANTHROPIC_API_KEY")
        try:
            return AnthropicModel(chosen)
        except ImportError as exc:
            raise ValueError("the anthropic model needs `pip install anthropic`") from exc
    if kind == "bedrock":
        return BedrockModel(chosen, region)
    raise ValueError(f"unknown model {kind!r}: offline, anthropic or bedrock")
