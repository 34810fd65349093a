"""TransactWriteItems: conditions checked first (patch 1), client request tokens (patch 6).

1. moto deep-copies each table a transaction touches (once per item) to roll back, which
   is O(table size) per transaction: seconds on a table of 50,000 items. Checking every
   condition first makes rollback unnecessary for condition failures; a failure while
   writing (rare: a malformed expression) restores the touched items from their saved
   images.
6. moto ignores ``ClientRequestToken``, so a botocore retry after a lost answer was
   applied twice (a counter counted twice). Within 10 minutes a repeat with the same
   parameters now succeeds without applying again, and one with other parameters gets
   IdempotentParameterMismatchException (:mod:`..tokens` keeps the tokens).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.responses import DynamoHandler

from qai_graph.emulator.tokens import TOKENS, digest

_ = ConditionalCheckFailed  # imported to fail fast if moto renames its exceptions

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key_of(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        key: dict[str, Any] = op["Key"]
        return key
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """All-or-nothing TransactWriteItems without copying whole tables."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    plan: list[tuple[str, dict[str, Any], dict[str, Any], Any]] = []
    errors: list[tuple[Any, Any, Any]] = []
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in _OPERATIONS:
            raise MockValidationException("Unsupported transaction operation")
        key = _key_of(self, op_type, op)
        unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if unique in seen:
            raise MultipleTransactionsException()
        seen.add(unique)
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
                continue
        errors.append((None, None, None))
        plan.append((op_type, op, key, current.to_json()["Attributes"] if current else None))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    applied: list[tuple[str, dict[str, Any], Any]] = []
    try:
        for op_type, op, key, before in plan:
            table_name = op["TableName"]
            applied.append((table_name, key, before))
            if op_type == "Put":
                self.put_item(table_name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(table_name, key)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=op.get("ExpressionAttributeNames"),
                    expression_attribute_values=op.get("ExpressionAttributeValues"),
                )
    except Exception:
        for table_name, key, before in reversed(applied):
            if before is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before)
        raise


_handler_transact_write_items = DynamoHandler.transact_write_items


def handler_transact_write_items(self: Any) -> ActionResult:
    """TransactWriteItems applied once per ClientRequestToken (see :mod:`..tokens`)."""
    token = self.body.get("ClientRequestToken")
    if not token:
        return _handler_transact_write_items(self)
    params_digest = digest(self.body)
    if TOKENS.is_repeat(token, params_digest):
        # What moto answers a transaction (DynamoDB answers a repeat as the original).
        return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
    result = _handler_transact_write_items(self)
    TOKENS.remember(token, params_digest)  # only once applied: a cancelled one may retry
    return result
