"""DynamoDB read answers decoded by ``json.loads`` instead of botocore's shape walk.

botocore parses an answer by walking the operation's output shape through every
attribute value of every item: ~0.1 ms an item on a 2-core machine, so a 1,000-item
Scan page cost ~100 ms of CPU (the recall index's build at start: ~60 s at 200,000
items) and a systemPrompt's three reads spent a sixth of their client time there. For
the read operations a handler on botocore's ``before-parse`` event, whose
``customized_response_dict`` exists for this, puts the decoded JSON in the answer and
leaves botocore an empty body to parse.

The answer is the same as botocore's but for binary values, base64 text on the wire and
bytes once parsed: they are decoded here. Error answers (status >= 300) are left to
botocore, so exceptions and retries are unchanged.
"""

from __future__ import annotations

import base64
import json
from typing import Any

READ_OPERATIONS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")


def register(events: Any) -> None:
    """Install the handler on a DynamoDB client's event system (``client.meta.events``)."""
    for operation in READ_OPERATIONS:
        events.register(f"before-parse.dynamodb.{operation}", parse_read_answer)


def parse_read_answer(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """Decode a successful read's JSON body into the answer; botocore parses ``{}``."""
    if response_dict.get("status_code", 500) >= 300:
        return
    body = response_dict.get("body")
    if not body:
        return
    answer = json.loads(body)
    if not isinstance(answer, dict):
        return  # not DynamoDB's JSON: botocore decides what it is
    _decode_binaries(answer)
    customized_response_dict.update(answer)
    response_dict["body"] = b"{}"


def _decode_binaries(answer: dict[str, Any]) -> None:
    """Decode, in place, the binary values of the items and keys of a read's answer."""
    items: list[Any] = [answer.get("Item"), answer.get("LastEvaluatedKey")]
    items += answer.get("Items") or []
    responses = answer.get("Responses")
    if isinstance(responses, dict):  # BatchGetItem: {table: [item, ...]}
        items += [item for found in responses.values() for item in found]
    elif isinstance(responses, list):  # TransactGetItems: [{"Item": item}, ...]
        items += [response.get("Item") for response in responses]
    for unprocessed in (answer.get("UnprocessedKeys") or {}).values():
        items += unprocessed.get("Keys") or []
    for item in items:
        if item:
            for value in item.values():
                _decode(value)


def _decode(value: dict[str, Any]) -> None:
    """One attribute value ({"S": ...}, {"B": base64}, {"M": {...}}, ...), in place."""
    if "B" in value:
        value["B"] = base64.b64decode(value["B"])
    elif "M" in value:
        for inner in value["M"].values():
            _decode(inner)
    elif "L" in value:
        for inner in value["L"]:
            _decode(inner)
    elif "BS" in value:
        value["BS"] = [base64.b64decode(v) for v in value["BS"]]
