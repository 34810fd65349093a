"""A stand-in for ``docker``: runs the image's commands on this machine, as the image would.

There is no Docker engine on the test machines, so tests/deploy/test_dockerfile.py runs
deploy/README.md's Docker commands with this as ``docker`` on PATH
(``python -m tests.support.docker_shim ARGS``). It knows what that README uses:

- ``build``: nothing (the Dockerfile checks stand in for it);
- ``volume create NAME``: a folder for the volume;
- ``run [--rm] [-d] [--name N] [-p HOST:PORT] [-v VOLUME:PATH] [-e K[=V]] IMAGE [CMD...]``:
  the given command, or the Dockerfile's CMD, with the Dockerfile's ENV and the ``-e``
  variables only (none of the caller's), in a home of its own. The image's data
  directory becomes the volume's folder (an anonymous one without ``-v``); ``-p``
  serves on HOST (``--port HOST`` is added to the CMD when PORT is the one it exposes);
  ``qai-graph`` and ``python`` are this checkout's. ``-d`` starts it in the background;
- ``inspect --format '{{.State.Health.Status}}'`` runs the HEALTHCHECK's command (its
  port mapped): ``healthy``, ``starting`` before the first success, ``unhealthy`` once
  the process is gone; ``'{{.State.Running}}'``: ``true`` or ``false``;
- ``logs``, ``stop`` (SIGTERM, as docker stop), ``rm [-f]``.

What it cannot stand in for: the image's own file system, user and network (the
process runs as the caller, beside the checkout). The state is kept in
``$QAI_DOCKER_SHIM_DIR``; :func:`stop_all` ends whatever is left.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.dockerfile import Instruction, env_of, instructions

ROOT = Path(__file__).resolve().parents[2]
STOP_TIMEOUT_S = 30.0


def _state() -> Path:
    path = Path(os.environ["QAI_DOCKER_SHIM_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _dockerfile() -> list[Instruction]:
    return instructions(ROOT / "Dockerfile")


def _one(found: list[Instruction], keyword: str) -> Instruction:
    (instruction,) = [i for i in found if i.keyword == keyword]
    return instruction


def _local(command: list[str]) -> list[str]:
    """The image's programs as this checkout's."""
    if command[0] == "qai-graph":
        return [sys.executable, "-m", "qai_graph.cli", *command[1:]]
    if command[0] == "python":
        return [sys.executable, *command[1:]]
    return command


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of a shim that exited is reparented; a zombie is gone for our purposes.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(")")[-1].split()[0] != "Z"


def _run(args: list[str]) -> int:
    detach = False
    name, ports, volumes, extra = "", [], [], {}
    while args[0].startswith("-"):
        flag = args.pop(0)
        if flag == "-d":
            detach = True
        elif flag == "--rm":
            pass  # nothing is kept after a foreground run anyway
        elif flag == "--name":
            name = args.pop(0)
        elif flag == "-p":
            ports.append(args.pop(0))
        elif flag == "-v":
            volumes.append(args.pop(0))
        elif flag == "-e":
            key, eq, value = args.pop(0).partition("=")
            if eq:
                extra[key] = value
            elif key in os.environ:  # -e NAME passes the caller's value, if it has one
                extra[key] = os.environ[key]
        else:
            raise SystemExit(f"docker shim: run does not know {flag}")
    args.pop(0)  # the image: there is one
    found = _dockerfile()
    command = args or _one(found, "CMD").exec_form or []
    image_env = env_of(found)
    data_dir = image_env["QAI_MEMORY_DATA_DIR"]
    state = _state()
    mounted = state / "volumes" / f"anonymous-{time.monotonic_ns()}"
    for volume in volumes:
        source, _, target = volume.partition(":")
        if target != data_dir:
            raise SystemExit(f"docker shim: only the data directory mounts ({target})")
        mounted = state / "volumes" / source
    mounted.mkdir(parents=True, exist_ok=True)
    exposed = _one(found, "EXPOSE").args
    for port in ports:
        host, _, container = port.partition(":")
        if container == exposed and command[:2] == ["qai-graph", "serve"]:
            command = [*command, "--port", host]
    home = state / "home" / (name or "anonymous")
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.update(image_env)
    env.update(extra)
    env["QAI_MEMORY_DATA_DIR"] = str(mounted)
    if not detach:
        return subprocess.run(_local(command), env=env, cwd=home).returncode
    log = (state / f"{name}.log").open("wb")
    process = subprocess.Popen(
        _local(command), env=env, cwd=home, stdout=log, stderr=log, start_new_session=True
    )
    record = {"pid": process.pid, "ports": ports}
    (state / f"{name}.json").write_text(json.dumps(record))
    print(name)
    return 0


def _container(name: str) -> dict[str, object]:
    record: dict[str, object] = json.loads((_state() / f"{name}.json").read_text())
    return record


def _health(name: str) -> str:
    record = _container(name)
    if not _alive(int(str(record["pid"]))):
        return "unhealthy"
    flags, rest = _one(_dockerfile(), "HEALTHCHECK").options()
    probe = Instruction("CMD", rest.removeprefix("CMD ")).exec_form or []
    for port in record["ports"]:  # type: ignore[attr-defined]
        host, _, container = str(port).partition(":")
        probe = [p.replace(f"127.0.0.1:{container}/", f"127.0.0.1:{host}/") for p in probe]
    timeout = float(flags.get("timeout", "30s").removesuffix("s"))
    try:
        done = subprocess.run(_local(probe), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "starting"
    return "healthy" if done.returncode == 0 else "starting"


def _inspect(args: list[str]) -> int:
    if args[0] not in ("--format", "-f"):
        raise SystemExit("docker shim: inspect needs --format")
    template, name = args[1], args[2]
    if template == "{{.State.Health.Status}}":
        print(_health(name))
    elif template == "{{.State.Running}}":
        print("true" if _alive(int(str(_container(name)["pid"]))) else "false")
    else:
        raise SystemExit(f"docker shim: inspect does not know {template}")
    return 0


def _stop(name: str) -> None:
    pid = int(str(_container(name)["pid"]))
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)


def stop_all(state: Path) -> None:
    """End every container the shim started under ``state`` (a test's cleanup)."""
    for record in state.glob("*.json"):
        pid = int(json.loads(record.read_text())["pid"])
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)


def main(argv: list[str]) -> int:
    """One docker command."""
    command, args = argv[0], argv[1:]
    if command == "build":
        return 0
    if command == "volume" and args[0] == "create":
        (_state() / "volumes" / args[1]).mkdir(parents=True, exist_ok=True)
        print(args[1])
        return 0
    if command == "run":
        return _run(args)
    if command == "inspect":
        return _inspect(args)
    if command == "logs":
        sys.stdout.write((_state() / f"{args[0]}.log").read_text())
        return 0
    if command == "stop":
        _stop(args[0])
        print(args[0])
        return 0
    if command == "rm":
        name = args[-1]
        if "-f" in args:
            _stop(name)
        (_state() / f"{name}.json").unlink()
        shutil.rmtree(_state() / "home" / name, ignore_errors=True)
        print(name)
        return 0
    raise SystemExit(f"docker shim: does not know {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
