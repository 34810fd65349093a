"""The ``qai-graph`` command line without a store: help, options, and failures that are
found before any store is opened (a bad file) or told by ``report``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from qai_graph import cli
from qai_graph.cli.main import report
from qai_graph.cli.parser import HelpFormatter, build_parser
from qai_graph.failures import EXIT_BAD_INPUT, EXIT_CODES, EXIT_UNEXPECTED

# The arguments each command needs before it parses at all.
REQUIRED = {"import": ["x.jsonl"], "backfill": ["-"], "api-key": ["--role", "reader"]}


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def test_every_option_has_help_and_every_value_option_names_its_default() -> None:
    formatter = HelpFormatter("qai-graph")
    missing = []
    for name, command in {"": build_parser(), **_commands()}.items():
        for action in command._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            shown = formatter._get_help_string(action)
            if not action.help:
                missing.append(f"{name} {action.dest}: no help")
            elif (
                action.option_strings
                and action.nargs != 0
                and not action.required
                and "default" not in shown
            ):
                missing.append(f"{name} {action.option_strings[0]}: no default in {shown!r}")
    assert missing == []


def test_help_shows_defaults_and_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    serve_help = capsys.readouterr().out
    assert "(default: 127.0.0.1)" in serve_help and "(default: 8000)" in serve_help
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    top = capsys.readouterr().out
    for status, kind in EXIT_CODES.items():
        assert f"{status:>3}  {kind}" in top


@pytest.mark.parametrize("command", sorted(_commands()))
def test_log_level_and_debug_are_accepted_before_and_after_every_command(command: str) -> None:
    parse = build_parser().parse_args
    needs = REQUIRED.get(command, [])
    after = parse([command, *needs, "--log-level", "error", "--debug"])
    assert (after.log_level, after.debug) == ("error", True)
    before = parse(["--log-level", "warning", "--debug", command, *needs])
    assert (before.log_level, before.debug) == ("warning", True)
    neither = parse([command, *needs])
    assert (neither.log_level, neither.debug) == (None, False)


def test_a_missing_import_file_is_one_line_before_any_store_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QAI_MEMORY_DYNAMODB_ENDPOINT", "http://127.0.0.1:9")  # never asked
    missing = tmp_path / "missing.jsonl"
    assert cli.main(["import", str(missing)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        f"qai-graph import: cannot use {missing}: No such file or directory. Check the path."
    ]
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert cli.main(["import", str(binary), "--log-level", "error"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        f"qai-graph import: {binary} is not a qai-graph export (not UTF-8 text)"
    ]


def test_debug_prints_the_traceback_before_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.jsonl"
    assert cli.main(["import", str(missing), "--debug"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "FileNotFoundError" in err
    assert err.splitlines()[-1].startswith(f"qai-graph import: cannot use {missing}")


def test_an_unknown_failure_is_one_line_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    failure = ZeroDivisionError("division\nby zero")
    failure.add_note("a note for the operator")
    assert report("export", failure, debug=False) == EXIT_UNEXPECTED
    assert capsys.readouterr().err.splitlines() == [
        "qai-graph export: unexpected failure: ZeroDivisionError: division by zero. "
        "Run again with --debug for the traceback, and report it.",
        "qai-graph export: a note for the operator",
    ]


def test_docs_cli_lists_every_command_and_exit_status() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in _commands():
        assert f"| `{command}" in page, command
    for status in EXIT_CODES:
        assert f"\n| {status} | " in page, status
