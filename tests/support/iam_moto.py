"""The emulator with IAM enforced on DynamoDB, resources included (tests/aws).

Run as ``python -m tests.support.iam_moto --port 0 --watch-stdin`` (the emulator
child's own options): it prints the child's ``READY {...}`` line, then serves every
service moto has (IAM too) on one port. Requests are not authenticated until the test
POSTs ``0`` to ``/moto-api/reset-auth``; from then on every request is signed by a
known access key and allowed only by that user's policies.

Two additions to moto, in this process only:

- moto checks every DynamoDB action against the resource ``*``, so a policy scoped
  to the table (``arn:aws:dynamodb:...:table/NAME``) would never match: DynamoDB
  requests are checked against the table's ARN, or ``.../index/NAME`` for a Query or
  Scan of an index, as AWS checks them.
- every check of a DynamoDB request is appended to ``$QAI_IAM_RECORD`` as one JSON line
  (``key``, ``action``, ``resource``, ``allowed``), so a test sees each action a command
  needed and each refusal, including those a command logs and carries on after.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

_lock = threading.Lock()


def _table_arn(handler: Any, table: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{handler.region}:{handler.current_account}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


def _resource(handler: Any) -> str:
    """The ARN AWS authorises a DynamoDB request against (its first table's)."""
    params: dict[str, Any] = getattr(handler, "body", None) or {}
    if "TableName" in params:
        return _table_arn(handler, params["TableName"], params.get("IndexName"))
    if params.get("RequestItems"):  # BatchGetItem, BatchWriteItem
        return _table_arn(handler, next(iter(params["RequestItems"])))
    for item in params.get("TransactItems", []):  # TransactWriteItems, TransactGetItems
        ((_, body),) = item.items()
        return _table_arn(handler, body["TableName"])
    return "*"  # ListTables and the like


def _access_key(handler: Any) -> str:
    authorization = handler.headers.get("Authorization", "")
    return str(authorization.partition("Credential=")[2].partition("/")[0])


def _record(entry: dict[str, Any]) -> None:
    path = os.environ.get("QAI_IAM_RECORD")
    if path:
        with _lock, open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")


def install() -> None:
    """Check DynamoDB requests against their table's ARN, and record every check."""
    from moto.dynamodb.responses import DynamoHandler

    authorize = DynamoHandler._authenticate_and_authorize_normal_action

    def checked(self: Any, resource: str = "*") -> None:
        from moto import settings
        from moto.core.authorization import ActionAuthenticatorMixin
        from moto.core.exceptions import AccessDeniedError, JsonRESTError

        enforced = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        entry = {"key": _access_key(self), "action": f"dynamodb:{self._get_action()}"}
        entry["resource"] = resource
        try:
            authorize(self, resource)
        except AccessDeniedError as exc:
            _record({**entry, "allowed": False})
            # DynamoDB's own answer: JSON, 400, AccessDeniedException, the resource named.
            raise JsonRESTError(
                "AccessDeniedException",
                f"{exc.message} on resource: {resource} because no identity-based policy "
                f"allows the {entry['action']} action",
            ) from exc
        if enforced:
            _record({**entry, "allowed": True})

    DynamoHandler._determine_resource = _resource  # type: ignore[attr-defined]
    DynamoHandler._authenticate_and_authorize_normal_action = checked  # type: ignore[method-assign]


def main() -> int:
    """The emulator child, with :func:`install` applied first."""
    from qai_graph.emulator import child

    install()
    return child.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
