"""Failures an operator must fix, told in one line: what failed and what to do.

``qai-graph`` prints :func:`describe`'s line instead of a traceback (``--debug`` adds
the traceback) and exits with the failure's status, one per kind, stable across
releases (docs/cli.md):

    status  kind
    0       done
    1       unexpected: a failure of no kind below (a bug: ``--debug`` shows where);
            ``backfill`` also exits 1 when some lines were bad
    2       bad input: a bad argument, setting or file (not an export, unreadable)
    3       refused: an unauthenticated server on a non-loopback address (``serve``
            with no API keys, ``emulator`` without ``--allow-remote``)
    4       access denied: AWS refused an action the role's policy lacks
            (``AccessDeniedException``; the policies are in ``deploy/iam/``), or took no
            credentials
    5       store unreachable: DynamoDB did not answer (endpoint, network, throttling)
            or has no such table
    6       conflict: the command would overwrite data (``import`` into a table that
            holds items, without ``--force``)
    130     interrupted (Ctrl-C)

A failure is recognised anywhere in the exception's chain (causes, contexts, exception
groups), so a start that fails inside a task group is told the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from qai_graph.errors import Conflict, InvalidInput, StoreUnavailable

EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3
EXIT_ACCESS_DENIED = 4
EXIT_STORE_UNREACHABLE = 5
EXIT_CONFLICT = 6
EXIT_INTERRUPTED = 130

EXIT_CODES = {
    EXIT_UNEXPECTED: "unexpected failure (run again with --debug for the traceback)",
    EXIT_BAD_INPUT: "bad input: an argument, setting or file",
    EXIT_REFUSED: "refused: an unauthenticated server (no API keys) on a non-loopback address",
    EXIT_ACCESS_DENIED: "access denied: the AWS policy lacks an action, or no credentials",
    EXIT_STORE_UNREACHABLE: "store unreachable: DynamoDB did not answer, or no such table",
    EXIT_CONFLICT: "conflict: would overwrite data (import into a non-empty table)",
    EXIT_INTERRUPTED: "interrupted",
}
"""Each exit status and its kind, as ``qai-graph --help`` lists them."""

_DENIED_CODES = frozenset({"AccessDeniedException", "AccessDenied"})
_BAD_KEY_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"}
)
_NETWORK_ERRORS = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)
ENDPOINT_HINT = (
    "Check QAI_MEMORY_DYNAMODB_ENDPOINT (or QAI_MEMORY_USE_AWS and the region), and that "
    "the store is running (qai-graph emulator)."
)


@dataclass(frozen=True)
class Failure:
    """A failure with its exit status and the one line that explains it."""

    status: int
    line: str
    error: BaseException | None = field(default=None, compare=False, repr=False)


def describe(exc: BaseException) -> Failure | None:
    """The failure ``exc`` (or anything it was raised from) is, if a known kind.

    Kinds are tried in order (access denied first: a denial wrapped in an
    unavailable store is still a denial), each over the whole chain."""
    chain = list(_chain(exc))
    for kind in _KINDS:
        for seen in chain:
            found = kind(seen)
            if found is not None:
                return Failure(found[0], found[1], exc)
    return None


def _access_denied(seen: BaseException) -> tuple[int, str] | None:
    if isinstance(seen, NoCredentialsError | PartialCredentialsError):
        return EXIT_ACCESS_DENIED, (
            f"no AWS credentials ({seen}). Set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or QAI_MEMORY_DYNAMODB_ENDPOINT for a local store."
        )
    if not isinstance(seen, ClientError):
        return None
    error = seen.response.get("Error", {})
    message = " ".join(str(error.get("Message", "")).split())
    if error.get("Code") in _DENIED_CODES:
        return EXIT_ACCESS_DENIED, (
            f"access denied ({seen.operation_name}): {message}. Give the role the "
            "policy for this command (deploy/iam/)."
        )
    if error.get("Code") in _BAD_KEY_CODES:
        return EXIT_ACCESS_DENIED, (
            f"AWS refused the credentials ({error.get('Code')}): {message}. Check "
            "AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        )
    return None


def _store_unreachable(seen: BaseException) -> tuple[int, str] | None:
    if isinstance(seen, _NETWORK_ERRORS):
        where = seen.kwargs.get("endpoint_url")
        at = f" at {where}" if where else ""
        # A refused connection says no more than its URL; a timeout says which one.
        why = "" if type(seen) is EndpointConnectionError else f" ({seen})"
        return EXIT_STORE_UNREACHABLE, f"cannot reach DynamoDB{at}{why}. {ENDPOINT_HINT}"
    code = seen.response.get("Error", {}).get("Code") if isinstance(seen, ClientError) else None
    if isinstance(seen, ClientError) and code == "ResourceNotFoundException":
        return EXIT_STORE_UNREACHABLE, (
            f"the table does not exist ({seen.operation_name}). Run qai-graph "
            "create-table, or check QAI_MEMORY_DYNAMODB_TABLE_NAME and the endpoint."
        )
    if isinstance(seen, StoreUnavailable):
        return EXIT_STORE_UNREACHABLE, f"{seen.message}. {ENDPOINT_HINT}"
    return None


def _conflict(seen: BaseException) -> tuple[int, str] | None:
    if isinstance(seen, Conflict):
        return EXIT_CONFLICT, seen.message
    return None


def _bad_input(seen: BaseException) -> tuple[int, str] | None:
    if isinstance(seen, InvalidInput):
        return EXIT_BAD_INPUT, seen.message
    # A file named on the command line (or a setting's path) that cannot be used;
    # a refused connection is an OSError too, but names no file.
    if isinstance(seen, OSError) and seen.filename is not None:
        problem = seen.strerror or seen
        return EXIT_BAD_INPUT, f"cannot use {seen.filename}: {problem}. Check the path."
    return None


_KINDS: tuple[Callable[[BaseException], tuple[int, str] | None], ...] = (
    _access_denied,
    _store_unreachable,
    _conflict,
    _bad_input,
)


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
