"""The GraphQL examples of the README and docs/ stay valid against schema.graphql."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, parse, validate

from tests.support.helpers import readme_operation, readme_operations

ROOT = Path(__file__).resolve().parents[2]


def test_every_readme_operation_validates_against_the_schema() -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    documents = readme_operations()
    assert len(documents) >= 5
    for document in documents:
        assert validate(schema, parse(document)) == [], document
    assert "players(first: 50" in readme_operation("Dashboard")
