"""Building DynamoDB requests: expression placeholders and the items of a transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qai_graph.store.codec import serialize, serialize_value


class Expr:
    """Allocates expression placeholders, so attribute names never collide or need escaping."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def name(self, attribute: str) -> str:
        """Placeholder for an attribute name (one per distinct name)."""
        for placeholder, existing in self.names.items():
            if existing == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def path(self, *parts: str) -> str:
        """Placeholder path for a nested attribute (map key by map key)."""
        return ".".join(self.name(p) for p in parts)

    def value(self, value: Any) -> str:
        """Placeholder for a value."""
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = serialize_value(value)
        return placeholder

    def params(self) -> dict[str, Any]:
        """ExpressionAttributeNames/Values for a request (omitting empty ones)."""
        params: dict[str, Any] = {}
        if self.names:
            params["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            params["ExpressionAttributeValues"] = dict(self.values)
        return params


def tx_put(
    item: Mapping[str, Any], condition: str | None = None, expr: Expr | None = None
) -> dict[str, Any]:
    """A Put for ``DynamoClient.transact``."""
    body: dict[str, Any] = {"Item": serialize(item)}
    if condition:
        body["ConditionExpression"] = condition
    if expr:
        body.update(expr.params())
    return {"Put": body}


def tx_update(
    pk: str, sk: str, update: str, expr: Expr, condition: str | None = None
) -> dict[str, Any]:
    """An Update for ``DynamoClient.transact``."""
    body: dict[str, Any] = {
        "Key": serialize({"pk": pk, "sk": sk}),
        "UpdateExpression": update,
        **expr.params(),
    }
    if condition:
        body["ConditionExpression"] = condition
    return {"Update": body}


def tx_delete(
    pk: str, sk: str, condition: str | None = None, expr: Expr | None = None
) -> dict[str, Any]:
    """A Delete for ``DynamoClient.transact``."""
    body: dict[str, Any] = {"Key": serialize({"pk": pk, "sk": sk})}
    if condition:
        body["ConditionExpression"] = condition
    if expr:
        body.update(expr.params())
    return {"Delete": body}
