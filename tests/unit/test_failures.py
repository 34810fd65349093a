"""qai_graph.failures: which failures get a one-line message and an exit status."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from qai_graph.failures import EXIT_ACCESS_DENIED, describe

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


def test_other_failures_are_left_alone() -> None:
    throttled_answer: Any = {"Error": {"Code": "ThrottlingException"}}
    throttled = ClientError(throttled_answer, "Query")
    assert describe(throttled) is None
    assert describe(ValueError("bad")) is None
