"""The registry of moto patches is what apply() installs, and reads without moto."""

from __future__ import annotations

import subprocess
import sys

from qai_graph.emulator import patches
from qai_graph.emulator.patches import PATCHES


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
