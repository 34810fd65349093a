"""The canonical form of a memory's text, for spotting duplicates."""

from __future__ import annotations

import pytest

from qai_graph.memory.content import normalise_content


@pytest.mark.parametrize(
    "text",
    [
        "Jim likes speed",
        "  jim   LIKES\nspeed!!! ",
        "Jim likes speed.",
        "\uff4a\uff49\uff4d likes speed ?",
    ],
)
def test_normalise_content_for_duplicates(text: str) -> None:
    assert normalise_content(text) == "jim likes speed"


def test_normalise_content_keeps_inner_punctuation() -> None:
    assert normalise_content("Is it 7B? Yes.") == "is it 7b? yes"
