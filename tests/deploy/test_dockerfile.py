"""The Dockerfile as Docker reads it, and deploy/README.md's Docker commands run as written.

No Docker engine runs on the test machines, so these stand in for a build
(deploy/README.md, "What stands in for a build", lists what they do not cover): the
Dockerfile's instructions and .dockerignore are read by Docker's rules
(tests.support.dockerfile), and the README's commands run with a stand-in ``docker``
(tests.support.docker_shim) that starts the image's CMD with its ENV and volume.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from qai_graph.app import create_app
from qai_graph.config import MemoryConfig
from tests.support.docker_shim import stop_all
from tests.support.dockerfile import DockerIgnore, Instruction, env_of, instructions
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = instructions(ROOT / "Dockerfile")
IGNORE = DockerIgnore.read(ROOT / ".dockerignore")


def every(keyword: str) -> list[Instruction]:
    return [i for i in DOCKERFILE if i.keyword == keyword]


def index_of(instruction: Instruction) -> int:
    return DOCKERFILE.index(instruction)


def test_the_image_installs_the_lock_with_its_hashes_before_the_source() -> None:
    (base,) = every("FROM")
    lock_python = re.search(r"with Python (3\.\d+)", (ROOT / "requirements.lock").read_text())
    assert lock_python is not None
    assert base.args.startswith(f"python:{lock_python[1]}-"), base.args  # the lock's Python
    installs = [i for i in every("RUN") if "pip install" in i.args]
    assert len(installs) == 2, installs
    lock, package = installs
    assert "--require-hashes -r requirements.lock" in lock.args
    assert "--no-deps" in package.args  # the package resolves nothing beyond the lock
    copied = [shlex.split(c.args)[0] for c in every("COPY")]
    assert copied[0] == "requirements.lock"
    # The lock's layer comes before the source: a code change keeps the dependencies.
    source = next(c for c in every("COPY") if "qai_graph" in c.args)
    assert index_of(every("COPY")[0]) < index_of(lock) < index_of(source) < index_of(package)


def test_the_data_volume_is_made_and_owned_by_the_image_user_before_it_is_declared() -> None:
    (user,) = every("USER")
    uid, _, gid = user.args.partition(":")
    assert uid.isdigit() and gid.isdigit() and int(uid) > 0, user.args  # numeric, not root
    data_dir = env_of(DOCKERFILE)["QAI_MEMORY_DATA_DIR"]
    (volume,) = every("VOLUME")
    assert volume.exec_form == [data_dir]
    made = [
        r
        for r in every("RUN")
        if f"--uid {uid}" in r.args
        and f"mkdir {data_dir}" in r.args
        and f"chown {uid}:{gid} {data_dir}" in r.args
    ]
    assert made, "no RUN makes the user, the data directory and its owner"
    assert index_of(made[0]) < index_of(volume)
    # Docker discards what a RUN writes to a declared volume: nothing may come after it.
    assert all(index_of(r) < index_of(volume) for r in every("RUN"))


def test_the_health_check_probes_healthz_on_the_exposed_port_with_a_start_period() -> None:
    (check,) = every("HEALTHCHECK")
    flags, command = check.options()
    assert flags["start-period"].endswith("s") and int(flags["start-period"][:-1]) >= 120
    probe = Instruction("CMD", command.removeprefix("CMD ")).exec_form
    assert probe is not None and probe[0] == "python"
    (url,) = re.findall(r"http://127\.0\.0\.1:(\d+)(/\w+)", " ".join(probe))
    port, path = url
    (exposed,) = every("EXPOSE")
    assert port == exposed.args
    cmd = every("CMD")[-1].exec_form
    assert cmd is not None and "--port" not in cmd  # so serve listens on its default, 8000
    assert port == "8000"
    routes = {getattr(r, "path", None) for r in create_app(MemoryConfig()).routes}
    assert path in routes
    # With nothing listening the probe fails (it is run against a server below).
    free = [p.replace(f":{port}/", f":{free_port()}/") for p in probe]
    done = subprocess.run([sys.executable, *free[1:]], capture_output=True, timeout=30)
    assert done.returncode == 1, done.stderr


def copied() -> list[str]:
    """Every COPY source, as written."""
    sources: list[str] = []
    for copy in every("COPY"):
        _, rest = copy.options()
        sources += shlex.split(rest)[:-1]
    return sources


def test_every_copy_source_is_in_the_build_context() -> None:
    for source in copied():
        assert (ROOT / source).exists(), source
        assert not IGNORE.ignores(source), source
    # `pip install .` in the image reads the files pyproject.toml names: they are copied.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    named = [project["readme"]] if isinstance(project.get("readme"), str) else []
    for table in ("readme", "license"):
        if isinstance(project.get(table), dict) and "file" in project[table]:
            named.append(project[table]["file"])
    named += project.get("license-files", [])
    assert named and set(named) <= set(copied()), named
    tracked = subprocess.run(
        ["git", "ls-files", "qai_graph"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(tracked) > 100
    assert [path for path in tracked if IGNORE.ignores(path)] == []  # package data too


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".venv-lock/bin/pip-compile",
        ".venv-3.12/bin/python",
        ".qai-data/journal/000001.log",
        "qai_graph/.qai-data/snapshot.json",
        "tests/clients/node_modules/graphql/index.js",
        "node_modules/x/index.js",
        "qai_graph/api/__pycache__/app.cpython-311.pyc",
        ".mypy_cache/3.11/qai_graph.json",
        ".pytest_cache/v/cache/lastfailed",
        ".ruff_cache/0.6/cache",
        ".hypothesis/examples/x",
        "build/lambda/qai-graph-lambda.zip",
        "bench/durability.json",
        "test-artifacts/screenshot.png",
        "tests/conftest.py",
    ],
)
def test_local_state_stays_out_of_the_build_context(path: str) -> None:
    assert IGNORE.ignores(path)


def _readme_commands() -> str:
    text = (ROOT / "deploy" / "README.md").read_text()
    docker = text[text.index("\n## Docker\n") :]
    match = re.search(r"```bash\n(docker build.*?)```", docker, re.S)
    assert match is not None, "deploy/README.md's Docker commands"
    return match[1]


@pytest.mark.slow
def test_the_readme_docker_commands_run_as_written(tmp_path: Path) -> None:
    commands = _readme_commands()
    port = free_port()  # the README's 8000 may be taken on a shared machine
    script = commands.replace("-p 8000:8000", f"-p {port}:8000").replace(
        "127.0.0.1:8000/", f"127.0.0.1:{port}/"
    )
    assert script.count(str(port)) == 2, "the README's port moved: update this test"
    shim = tmp_path / "bin" / "docker"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m tests.support.docker_shim "$@"\n')
    shim.chmod(0o755)
    state = tmp_path / "docker"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    env.update(
        PATH=f"{shim.parent}{os.pathsep}{env['PATH']}",
        PYTHONPATH=str(ROOT),
        QAI_DOCKER_SHIM_DIR=str(state),
    )
    try:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        stop_all(state)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert '{"data":{"recordInteraction":{"evolution":{"totalInteractions":1}}}}' in output
    log = (state / "qai-graph.log").read_text()
    assert "Traceback" not in log, log
    # The embedded store wrote the memory into the volume.
    assert any((state / "volumes" / "qai-data").iterdir()), log
