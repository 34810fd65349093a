"""``qai-graph --version`` and a data command's ``--help`` import only the command line:
not the service, its recall encoder, the faces or the web stack (they cost ~1.5 s of
imports; bench/RESULTS.md, "2026-12-04 late: CLI start-up")."""

from __future__ import annotations

import pytest

import qai_graph
from tests.support.imports import ENCODER, SERVING, among, imported_by

HEAVY = (*SERVING, *ENCODER, "qai_graph.memory.service", "aioboto3", "numpy")


def test_version_imports_neither_the_service_nor_pydantic() -> None:
    modules = imported_by(["--version"])
    assert "qai_graph.cli.parser" in modules  # what it did import was listed
    assert among(modules, (*HEAVY, "pydantic", "qai_graph.config")) == []


@pytest.mark.parametrize("command", ["export", "import", "create-table"])
def test_a_data_commands_help_imports_no_service(command: str) -> None:
    modules = imported_by([command, "--help"])
    assert among(modules, HEAVY) == []


def test_the_package_still_offers_every_public_name() -> None:
    # Imported on first use now: each name in __all__ resolves, from where it lives.
    for name in qai_graph.__all__:
        assert getattr(qai_graph, name) is not None, name
    assert qai_graph.MemoryService.__module__ == "qai_graph.memory.service"
    with pytest.raises(AttributeError):
        _ = qai_graph.no_such_name  # type: ignore[attr-defined]
