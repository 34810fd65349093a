"""QAI's persona as data: each stage's voice and the shared response guidelines, from TOML.

The file has a top-level ``guidelines`` list and one ``[stages.N]`` table per stage with
``persona`` (required), ``name``, ``voice`` (a list) and ``stance``. Stage 1 is required:
it is what every unknown or lower stage falls back to.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

_DEFAULT_PACKAGE = "qai_graph.memory.prompt"
_DEFAULT_PARTS = ("personas", "default.toml")


@dataclass(frozen=True)
class StagePersona:
    """How QAI speaks at one evolution stage."""

    stage: int
    name: str
    persona: str
    voice: tuple[str, ...] = ()
    stance: str = ""

    def render(self) -> str:
        """The stage's part of the system prompt: persona, voice characteristics, stance."""
        parts = [self.persona]
        if self.voice:
            parts.append("Voice characteristics:\n" + "\n".join(f"- {v}" for v in self.voice))
        if self.stance:
            parts.append(self.stance)
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Persona:
    """All stages of QAI's persona plus the guidelines every stage follows.

    Instances are shared by the loader's cache: treat them as read-only.
    """

    stages: dict[int, StagePersona]
    guidelines: list[str]

    def for_stage(self, stage: int) -> StagePersona:
        """The persona of ``stage``, else of the highest stage below it, else of stage 1."""
        lower = [s for s in self.stages if s <= stage]
        return self.stages[max(lower)] if lower else self.stages[1]


def load_persona(path: Path | None = None) -> Persona:
    """Load and validate a persona file; ``None`` loads the packaged default."""
    if path is None:
        return _load_default()
    path = Path(path)
    stat = path.stat()
    # Keyed on mtime and size so the per-message call is cheap yet an edited file reloads.
    return _load_file(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1)
def _load_default() -> Persona:
    resource = resources.files(_DEFAULT_PACKAGE).joinpath(*_DEFAULT_PARTS)
    source = f"{_DEFAULT_PACKAGE}/{'/'.join(_DEFAULT_PARTS)}"
    return _parse(resource.read_text(encoding="utf-8"), source)


@functools.lru_cache(maxsize=16)
def _load_file(path: Path, mtime_ns: int, size: int) -> Persona:
    return _parse(path.read_text(encoding="utf-8"), str(path))


def _parse(text: str, source: str) -> Persona:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"persona file {source}: not valid TOML: {exc}") from exc

    guidelines = _string_list(data.get("guidelines"), "guidelines", source)
    if not guidelines:
        raise _error(source, "guidelines", "must be a non-empty list of strings")

    tables = data.get("stages")
    if not isinstance(tables, dict):
        raise _error(source, "stages", "must be a table of [stages.N] tables")
    stages: dict[int, StagePersona] = {}
    for raw_key, table in tables.items():
        key = f"stages.{raw_key}"
        if not (raw_key.isascii() and raw_key.isdigit()) or int(raw_key) < 1:
            raise _error(source, key, "must be named by a stage number (1, 2, ...)")
        if not isinstance(table, dict):
            raise _error(source, key, "must be a table")
        stage = int(raw_key)
        if stage in stages:  # "1" and "01" are different TOML keys but the same stage
            raise _error(source, key, f"repeats stage {stage}")
        stages[stage] = StagePersona(
            stage=stage,
            name=_string(table.get("name", f"Stage {stage}"), f"{key}.name", source),
            persona=_string(table.get("persona"), f"{key}.persona", source),
            voice=tuple(_string_list(table.get("voice", []), f"{key}.voice", source)),
            stance=_string(table.get("stance", ""), f"{key}.stance", source, allow_empty=True),
        )
    if 1 not in stages:
        raise _error(source, "stages.1", "is required (every other stage falls back to it)")
    return Persona(stages=dict(sorted(stages.items())), guidelines=guidelines)


def _error(source: str, key: str, problem: str) -> ValueError:
    return ValueError(f"persona file {source}: {key} {problem}")


def _string(value: Any, key: str, source: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise _error(
            source, key, "must be a string" if allow_empty else "must be a non-empty string"
        )
    return value.strip()


def _string_list(value: Any, key: str, source: str) -> list[str]:
    if not isinstance(value, list):
        raise _error(source, key, "must be a list of strings")
    return [_string(item, f"{key}[{i}]", source) for i, item in enumerate(value)]
