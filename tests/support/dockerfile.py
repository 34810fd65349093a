"""The Dockerfile and .dockerignore read as Docker reads them (for the checks that stand in
for a build: there is no Docker engine on the test machines).

- :func:`instructions`: the Dockerfile's instructions in order, continuation lines
  joined and comments dropped; ``args`` is the text after the keyword, ``exec_form``
  the JSON array when the arguments are one.
- :class:`DockerIgnore`: Docker's rules for the build context (moby's patternmatcher):
  patterns are paths relative to the context, ``*`` and ``?`` stop at ``/``, ``**``
  does not; a pattern that matches a path's parent matches the path; the last pattern
  that matches decides, and a ``!`` pattern lets the path back in.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction."""

    keyword: str
    args: str

    @property
    def exec_form(self) -> list[str] | None:
        """The arguments as a JSON array (``CMD ["a", "b"]``), or None (shell form)."""
        if not self.args.startswith("["):
            return None
        value = json.loads(self.args)
        return [str(v) for v in value]

    def options(self) -> tuple[dict[str, str], str]:
        """Leading ``--name=value`` flags (HEALTHCHECK, COPY) and the rest of the text."""
        flags: dict[str, str] = {}
        rest = self.args
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            name, _, value = flag[2:].partition("=")
            flags[name] = value
            rest = rest.lstrip()
        return flags, rest


def instructions(path: Path) -> list[Instruction]:
    """Every instruction of the Dockerfile at ``path``."""
    found: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction is dropped
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        keyword, _, args = text.partition(" ")
        found.append(Instruction(keyword.upper(), " ".join(args.split())))
    return found


def env_of(found: list[Instruction]) -> dict[str, str]:
    """What the ENV instructions set (``ENV K=V K2=V2``)."""
    env: dict[str, str] = {}
    for instruction in found:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):  # any number of folders, none included
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


@dataclass(frozen=True)
class DockerIgnore:
    """The patterns of a .dockerignore, in order: (regex, lets back in)."""

    patterns: tuple[tuple[re.Pattern[str], bool], ...]

    @classmethod
    def read(cls, path: Path) -> DockerIgnore:
        """The .dockerignore at ``path`` (none: nothing is ignored)."""
        lines = path.read_text().splitlines() if path.exists() else []
        patterns = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            include = line.startswith("!")
            cleaned = str(PurePosixPath(line.removeprefix("!").strip().lstrip("/")))
            patterns.append((_pattern_regex(cleaned), include))
        return cls(tuple(patterns))

    def ignores(self, path: str) -> bool:
        """Whether ``path`` (relative to the context, ``/``-separated) is left out."""
        parts = PurePosixPath(path).parts
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        ignored = False
        for regex, include in self.patterns:
            if any(regex.fullmatch(candidate) for candidate in candidates):
                ignored = not include
        return ignored
