"""The README's GraphQL examples stay valid against schema.graphql."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[2]


def test_every_readme_operation_validates_against_the_schema() -> None:
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    blocks = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    documents = [
        "\n".join(line for line in doc.splitlines() if not line.startswith("#"))
        for block in blocks
        for doc in re.split(r"\n(?=query|mutation|subscription)", block.strip())
    ]
    assert len(documents) >= 5
    for document in documents:
        assert validate(schema, parse(document)) == [], document
