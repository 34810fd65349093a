"""Read answers decoded by json.loads: the same items botocore would give, bytes included."""

from __future__ import annotations

import base64
import json

from qai_graph.store.fast_parse import parse_read_answer

RAW = b"\x00\x01vector\xff"
B64 = base64.b64encode(RAW).decode()


def _parse(status: int, answer: object) -> tuple[dict[str, object], dict[str, object]]:
    response = {"status_code": status, "body": json.dumps(answer).encode(), "headers": {}}
    custom: dict[str, object] = {}
    parse_read_answer(response_dict=response, customized_response_dict=custom)
    return response, custom


def test_items_binaries_nested_and_keys_are_decoded_and_botocore_parses_nothing() -> None:
    item = {
        "pk": {"S": "PLAYER#ada"},
        "embedding": {"B": B64},
        "sets": {"BS": [B64]},
        "context": {"M": {"B": {"S": "a map entry named B"}, "blob": {"B": B64}}},
        "list": {"L": [{"B": B64}, {"N": "1"}]},
    }
    response, custom = _parse(
        200, {"Items": [item], "Count": 1, "LastEvaluatedKey": {"pk": {"S": "x"}}}
    )
    assert response["body"] == b"{}"
    (parsed,) = custom["Items"]  # type: ignore[misc]
    assert parsed["embedding"] == {"B": RAW}
    assert parsed["sets"] == {"BS": [RAW]}
    assert parsed["context"]["M"]["B"] == {"S": "a map entry named B"}
    assert parsed["context"]["M"]["blob"] == {"B": RAW}
    assert parsed["list"]["L"] == [{"B": RAW}, {"N": "1"}]
    assert custom["LastEvaluatedKey"] == {"pk": {"S": "x"}}


def test_get_batch_and_transact_answers_are_decoded() -> None:
    _, got = _parse(200, {"Item": {"v": {"B": B64}}})
    assert got["Item"] == {"v": {"B": RAW}}
    _, batch = _parse(200, {"Responses": {"T": [{"v": {"B": B64}}]}, "UnprocessedKeys": {}})
    assert batch["Responses"] == {"T": [{"v": {"B": RAW}}]}
    _, transact = _parse(200, {"Responses": [{"Item": {"v": {"B": B64}}}, {}]})
    assert transact["Responses"] == [{"Item": {"v": {"B": RAW}}}, {}]


def test_errors_are_left_to_botocore() -> None:
    error = {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"}
    response, custom = _parse(400, error)
    assert custom == {}
    assert json.loads(response["body"]) == error  # type: ignore[arg-type]
