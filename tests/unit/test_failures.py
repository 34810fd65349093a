"""qai_graph.failures: which failures get a one-line message and an exit status."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from qai_graph.errors import Conflict, InvalidInput, StoreUnavailable
from qai_graph.failures import (
    EXIT_ACCESS_DENIED,
    EXIT_BAD_INPUT,
    EXIT_CONFLICT,
    EXIT_STORE_UNREACHABLE,
    describe,
)

DENIED: Any = {
    "Error": {
        "Code": "AccessDeniedException",
        "Message": "User: arn:aws:iam::1:user/u is not authorized to perform: dynamodb:Scan\n"
        "on resource: arn:aws:dynamodb:us-east-1:1:table/t",
    }
}


def _raised_from(cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as exc:
            raise RuntimeError("the start failed") from exc
    except RuntimeError as outer:
        return outer


def test_an_access_denial_anywhere_in_the_chain_is_one_line_with_its_status() -> None:
    denied = ClientError(DENIED, "Scan")
    for exc in (denied, _raised_from(denied), ExceptionGroup("tasks", [ValueError(), denied])):
        failure = describe(exc)
        assert failure is not None
        assert failure.status == EXIT_ACCESS_DENIED
        assert "\n" not in failure.line
        assert failure.line.startswith("access denied (Scan): User: ")
        assert "dynamodb:Scan on resource" in failure.line
        assert "deploy/iam/" in failure.line


def _refused() -> BaseException:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as exc:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/", error=exc) from exc
    except EndpointConnectionError as outer:
        return outer


MISSING_TABLE: Any = {"Error": {"Code": "ResourceNotFoundException", "Message": "no table"}}


@pytest.mark.parametrize(
    ("exc", "status", "start"),
    [
        (_refused(), EXIT_STORE_UNREACHABLE, "cannot reach DynamoDB at http://127.0.0.1:9/. "),
        (
            _raised_from(StoreUnavailable("the memory store is unreachable")),
            EXIT_STORE_UNREACHABLE,
            "the memory store is unreachable. Check QAI_MEMORY_DYNAMODB_ENDPOINT",
        ),
        (
            ClientError(MISSING_TABLE, "DescribeTable"),
            EXIT_STORE_UNREACHABLE,
            "the table does not exist (DescribeTable). Run qai-graph create-table",
        ),
        (NoCredentialsError(), EXIT_ACCESS_DENIED, "no AWS credentials (Unable to locate"),
        (Conflict("table t already holds items"), EXIT_CONFLICT, "table t already holds items"),
        (InvalidInput("not a qai-graph export"), EXIT_BAD_INPUT, "not a qai-graph export"),
        (
            FileNotFoundError(2, "No such file or directory", "/x.jsonl"),
            EXIT_BAD_INPUT,
            "cannot use /x.jsonl: No such file or directory. Check the path.",
        ),
    ],
)
def test_each_kind_is_one_line_with_its_status(exc: BaseException, status: int, start: str) -> None:
    failure = describe(exc)
    assert failure is not None
    assert (failure.status, failure.error) == (status, exc)
    assert "\n" not in failure.line
    assert failure.line.startswith(start), failure.line


def test_other_failures_are_left_alone() -> None:
    throttled_answer: Any = {"Error": {"Code": "ThrottlingException"}}
    throttled = ClientError(throttled_answer, "Query")
    assert describe(throttled) is None
    assert describe(ValueError("bad")) is None
    # A refused connection is an OSError too, but alone it names no file nor the store.
    assert describe(ConnectionRefusedError(111, "Connection refused")) is None
