"""The persona file: the packaged default, custom files, fallback and validation."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qai_graph.memory.prompt.persona import Persona, StagePersona, load_persona

CONTRACTION = re.compile(r"n't|'(m|re|ve|ll)\b", re.IGNORECASE)
CUSTOM = """
guidelines = ["Answer in haiku."]

[stages.1]
name = "Seed"
persona = "You are a small test persona."
voice = ["Quiet", "Careful"]
stance = "You like tests."

[stages.3]
persona = "You are the third stage of a test persona."
"""


def test_default_persona_has_three_stages_and_guidelines() -> None:
    persona = load_persona()
    assert sorted(persona.stages) == [1, 2, 3]
    assert [persona.stages[s].name for s in (1, 2, 3)] == [
        "Wonder",
        "Pattern Recognition",
        "Efficiency",
    ]
    assert len(persona.guidelines) >= 5
    for stage in persona.stages.values():
        assert "SYSTEM" in stage.persona
        assert stage.voice
        # QAI never contracts (the voice list may quote one as an example of what not to say).
        assert not CONTRACTION.search(" ".join([stage.persona, stage.stance, *persona.guidelines]))


def test_default_load_is_cached() -> None:
    assert load_persona() is load_persona()


@pytest.mark.parametrize(("stage", "expected"), [(0, 1), (1, 1), (2, 2), (3, 3), (4, 3), (99, 3)])
def test_for_stage_falls_back_to_highest_stage_below(stage: int, expected: int) -> None:
    assert load_persona().for_stage(stage).stage == expected


def test_render_has_persona_voice_and_stance() -> None:
    stage = StagePersona(1, "X", "Persona text.", ("first", "second"), "Stance text.")
    assert stage.render() == (
        "Persona text.\n\nVoice characteristics:\n- first\n- second\n\nStance text."
    )


def test_custom_file_via_path(tmp_path: Path) -> None:
    path = tmp_path / "persona.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    persona = load_persona(path)
    assert isinstance(persona, Persona)
    assert persona.guidelines == ["Answer in haiku."]
    assert persona.for_stage(2).persona == "You are a small test persona."
    assert persona.for_stage(5).persona.startswith("You are the third stage")
    assert persona.stages[3].name == "Stage 3"
    assert persona.stages[1].voice == ("Quiet", "Careful")


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "persona.toml"
    path.write_text(CUSTOM, encoding="utf-8")
    assert load_persona(path).stages[1].name == "Seed"
    path.write_text(CUSTOM.replace('"Seed"', '"Sprout!"'), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_persona(path).stages[1].name == "Sprout!"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (CUSTOM.replace("[stages.1]", "[stages.2]"), "stages.1 is required"),
        (CUSTOM.replace('"You are a small test persona."', '"  "'), "stages.1.persona"),
        (CUSTOM.replace('persona = "You are a small test persona."', ""), "stages.1.persona"),
        (CUSTOM.replace('["Answer in haiku."]', "[]"), "guidelines"),
        (CUSTOM.replace('["Answer in haiku."]', '"Answer."'), "guidelines"),
        (CUSTOM.replace('["Quiet", "Careful"]', '["Quiet", 3]'), "stages.1.voice[1]"),
        (CUSTOM.replace("[stages.3]", "[stages.three]"), "stages.three"),
        (CUSTOM + "\n[stages.01]\npersona = 'again'\n", "stages.01"),
        ("guidelines = [", "not valid TOML"),
    ],
)
def test_bad_file_names_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_persona(path)
    message = str(info.value)
    assert str(path.resolve()) in message
    assert key in message
