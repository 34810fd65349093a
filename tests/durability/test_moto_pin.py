"""moto is pinned exactly, and the registry of its patches is what apply() installs.

The emulator replaces moto's private internals (:data:`~qai_graph.emulator.patches.PATCHES`),
which any release may change: moving the pin means re-checking every patch, and the
test that compares the installed moto with the pin names them.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from qai_graph.emulator import patches
from qai_graph.emulator.patches import PATCHES

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_apply_installs_every_patch_of_the_registry() -> None:
    patches.apply()
    names = [patch.name for patch in PATCHES]
    # Every assignment into moto the emulator makes: a new patch is a new entry (and 17).
    assert len(set(names)) == len(names) == 16
    for patch in PATCHES:
        owner, attribute = patches.holder_of(patch.target)
        source, name = patches.holder_of(patch.replacement)
        assert getattr(owner, attribute) is getattr(source, name), patch.name
        assert patch.target.startswith("moto.") and patch.why, patch.name


def test_the_registry_is_read_without_importing_moto() -> None:
    # So that a moto which moved what we patch still gets every patch named.
    code = (
        "import sys\n"
        "from qai_graph.emulator.patches import PATCHES\n"
        "assert PATCHES and not [m for m in sys.modules if m.split('.')[0] == 'moto']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def _pinned_moto() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    [spec] = [d for d in dependencies if re.match(r"moto\W", d)]
    pinned = re.fullmatch(r"moto(\[[^\]]*\])?==([\w.]+)", spec.replace(" ", ""))
    assert pinned, f"pyproject.toml must pin moto to one exact version (==), not {spec!r}"
    return pinned[2]


def test_the_installed_moto_is_the_pinned_one() -> None:
    pinned = _pinned_moto()
    installed = importlib.metadata.version("moto")
    checklist = "\n".join(f"  {p.name}: {p.target} ({p.why})" for p in PATCHES)
    assert installed == pinned, (
        f"moto {installed} is installed, pyproject.toml pins {pinned}. The emulator "
        f"replaces these moto internals (qai_graph/emulator/patches.py): re-check each "
        f"against moto {installed}, run tests/durability and tests/integration, then move "
        f"the pin and refresh the locks:\n{checklist}"
    )


def test_the_locks_install_the_pinned_moto() -> None:
    pinned = _pinned_moto()
    for lock in ("requirements.lock", "requirements-test.lock"):
        text = (PYPROJECT.parent / lock).read_text(encoding="utf-8")
        locked = re.findall(r"^moto==(\S+)", text, re.M)
        assert locked == [pinned], (
            f"{lock} has moto {locked}, pyproject.toml {pinned}: run scripts/lock"
        )
