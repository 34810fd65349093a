"""Who may call which tool, and every failed call as a tool error with a stable code.

MCP has two ways to fail a ``tools/call``: a JSON-RPC error (the model never sees it)
or a result with ``isError: true`` (the model reads it and can correct itself). Every
failure here is the second kind, with the codes the GraphQL face uses:

    code               when                                             nothing ran?
    NOT_FOUND          no tool by that name; the thing does not exist   yes / -
    UNAUTHENTICATED    no principal (cannot happen behind /mcp's 401)   yes
    FORBIDDEN          a reader key calling a writer tool               yes
    INVALID_INPUT      missing or wrong-typed arguments, over a limit   yes
    CONFLICT           idempotency key reused with other data           yes
    STORE_UNAVAILABLE  DynamoDB did not answer in time                  -
    INTERNAL           a bug; the log has the traceback under the id    -

An error result carries the code twice, for every kind of client: in the text
(``"FORBIDDEN: ..."``) and in ``_meta["qai/code"]`` (and ``"qai/field"``). It has no
``structuredContent``: clients validate that against the tool's ``outputSchema`` even on
errors (the TypeScript SDK, and so the MCP Inspector, does). The role check runs in
``ToolGuard`` before the SDK validates the arguments, so a reader is refused the same
way whatever it sends.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from qai_graph.security import DEVELOPER, Principal

logger = logging.getLogger("qai_graph.mcp")

PRINCIPAL_SCOPE_KEY = "qai.principal"
"""The ASGI scope key under which /mcp's auth puts the caller's Principal."""

CODE_META_KEY = "qai/code"
FIELD_META_KEY = "qai/field"


def tool_error(code: str, message: str, field: str | None = None) -> CallToolResult:
    """A tool error the model can read and a program can branch on."""
    meta: dict[str, Any] = {CODE_META_KEY: code}
    if field:
        meta[FIELD_META_KEY] = field
    where = f" (argument {field})" if field else ""
    return CallToolResult(
        content=[TextContent(type="text", text=f"{code}: {message}{where}")],
        is_error=True,
        _meta=meta,
    )


def error_code(result: CallToolResult) -> str | None:
    """The code of an error result made by ``tool_error``, else None."""
    meta = result.meta or {}
    code = meta.get(CODE_META_KEY)
    return code if isinstance(code, str) else None


def principal_of(request: object | None) -> Principal | None:
    """The caller of this message: stdio (no HTTP request) is the local user, trusted as
    the CLI is; over HTTP, what /mcp's auth put in the scope (None if nothing)."""
    if request is None:
        return DEVELOPER
    scope = getattr(request, "scope", None)
    principal = scope.get(PRINCIPAL_SCOPE_KEY) if isinstance(scope, Mapping) else None
    return principal if isinstance(principal, Principal) else None


class ToolGuard:
    """Server middleware on ``tools/call``: unknown tools, roles, and codes on the SDK's
    own argument errors. ``roles`` maps each tool to the least role that may call it."""

    def __init__(self, roles: Mapping[str, str]) -> None:
        self._roles = dict(roles)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        """Refuse before the tool runs, or run it and make sure a failure has a code."""
        if ctx.method != "tools/call":
            return await call_next(ctx)
        params = ctx.params or {}
        name = params.get("name")
        role = self._roles.get(name) if isinstance(name, str) else None
        if role is None or not isinstance(name, str):
            known = ", ".join(sorted(self._roles))
            return tool_error("NOT_FOUND", f"no tool named {str(name)[:64]!r}; tools: {known}")
        principal = principal_of(ctx.request)
        if principal is None:
            return tool_error("UNAUTHENTICATED", "no API key")
        if not principal.can(role):
            logger.info("key %s (%s) refused tool %s", principal.key_id, principal.role, name)
            message = f"{name} needs the {role} role; this key is a {principal.role}"
            return tool_error("FORBIDDEN", message)
        result = await call_next(ctx)
        return _coded(result, name)


def _coded(result: HandlerResult, name: str) -> HandlerResult:
    """The SDK's own tool errors get a code: argument validation is INVALID_INPUT; a
    failure it did not expect (it says only "Error executing tool <name>") is INTERNAL.
    ``result`` is the wire dict the SDK's chain returns (a model is dumped to it)."""
    wire = (
        result.model_dump(by_alias=True, mode="json") if isinstance(result, BaseModel) else result
    )
    if not isinstance(wire, dict) or not wire.get("isError"):
        return result
    meta = wire.get("_meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    if CODE_META_KEY in meta:
        return result
    content = wire.get("content") or []
    text = " ".join(str(c.get("text", "")) for c in content if isinstance(c, dict)).strip()
    if text == f"Error executing tool {name}":
        coded = tool_error("INTERNAL", "internal error; see the server log")
    else:
        coded = tool_error("INVALID_INPUT", *_validation_summary(text))
    out = coded.model_dump(by_alias=True, mode="json", exclude_none=True)
    out["_meta"] = {**meta, **out.get("_meta", {})}  # keep what the SDK stamped
    return out


# pydantic's report: "<field>\n  <message> [type=..., input_value=...]" per problem.
_PROBLEM = re.compile(r"^(\S[^\n]*)\n {2}([^\n\[]+)", re.MULTILINE)


def _validation_summary(text: str) -> tuple[str, str | None]:
    """ "field: message; ..." from pydantic's report, without the values the caller sent
    (they may be large, and the model already has them); the first field."""
    problems = _PROBLEM.findall(text)
    if not problems:
        return text[:500], None
    summary = "; ".join(f"{field}: {message.strip()}" for field, message in problems[:5])
    return summary, problems[0][0].split(".")[0]
