"""deploy/iam/: well-formed, scoped to the table, and as the README's IAM table says.

Whether the policies are enough and needed is tests/aws/test_iam_policies.py's (slow)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "deploy" / "iam"
TABLE = "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"
FILES = ("service", "consolidation-lambda", "operator", "bedrock")


def _policy(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((POLICIES / f"{name}.json").read_text())
    return document


def _actions(name: str) -> set[str]:
    return {a for s in _policy(name)["Statement"] for a in s["Action"]}


def _readme_row(name: str) -> str:
    readme = (ROOT / "docs" / "aws.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith(f"| [`{name}.json`]")]
    assert len(rows) == 1, f"docs/aws.md's IAM table has no single row for {name}.json"
    return rows[0]


@pytest.mark.parametrize("name", FILES)
def test_each_policy_allows_only_on_its_own_resources(name: str) -> None:
    document = _policy(name)
    assert document["Version"] == "2012-10-17"
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "*" not in statement["Action"]
        resources = statement["Resource"]
        for resource in [resources] if isinstance(resources, str) else resources:
            if name == "bedrock":
                assert resource.startswith("arn:aws:bedrock:${AWS::Region}::foundation-model/")
            else:
                assert resource in (TABLE, TABLE + "/index/*"), resource
                # Only Query reads an index; nothing else is allowed on index/*.
                assert resource == TABLE or statement["Action"] == ["dynamodb:Query"]


def test_the_readme_lists_what_each_file_allows() -> None:
    service = _actions("service")
    listed = set(re.findall(r"`([A-Za-z]+)`", _readme_row("service").split("|")[3]))
    assert {f"dynamodb:{a}" for a in listed} == service
    assert "the same as the service's" in _readme_row("consolidation-lambda")
    assert _actions("consolidation-lambda") == service
    extra = set(re.findall(r"`([A-Za-z]+)`", _readme_row("operator").split("|")[3]))
    assert _actions("operator") == service | {f"dynamodb:{a}" for a in extra}
    assert _actions("bedrock") == {"bedrock:InvokeModel"}
    assert "`bedrock:InvokeModel`" in _readme_row("bedrock")
