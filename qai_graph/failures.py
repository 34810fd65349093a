"""Failures an operator must fix, told in one line: what failed and what to do.

``qai-graph`` prints :func:`describe`'s line instead of a traceback and exits with the
failure's status; anything not recognised here propagates as before.

    status  kind
    4       access denied: AWS refused an action the role's policy lacks
            (``AccessDeniedException``); the policies are in ``deploy/iam/``
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from botocore.exceptions import ClientError

EXIT_ACCESS_DENIED = 4
_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})


@dataclass(frozen=True)
class Failure:
    """A failure with its exit status and the one line that explains it."""

    status: int
    line: str


def describe(exc: BaseException) -> Failure | None:
    """The failure ``exc`` (or anything it was raised from) is, if a known kind."""
    for seen in _chain(exc):
        if isinstance(seen, ClientError):
            error = seen.response.get("Error", {})
            if error.get("Code") in _DENIED_CODES:
                message = " ".join(str(error.get("Message", "")).split())
                return Failure(
                    EXIT_ACCESS_DENIED,
                    f"access denied ({seen.operation_name}): {message}. Give the role the "
                    "policy for this command (deploy/iam/).",
                )
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, its causes and contexts, and the members of exception groups, once each."""
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
