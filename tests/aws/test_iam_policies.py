"""The policies in deploy/iam/ are enough, and needed: every command under IAM enforcement.

One emulator (tests.support.iam_moto: moto with IAM enforced on the table's ARNs) for the
module. Before enforcement starts, one IAM user per policy file is made, holding only
that file (its placeholders filled in), and a service user whose policy lacks
``dynamodb:Scan``. Then the real commands run as child processes with those users' keys:
``create-table``, ``consolidate``, ``export``, ``import`` and ``reindex`` as the operator,
the Lambda handler as the consolidation Lambda, and ``serve`` (a start, a query, a
mutation, a subscription event) as the service. Any refusal fails the test: the
emulator records every check, so one a command logs and carries on after is seen too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from tests.support.api_harness import GraphQLClient, ws_client
from tests.support.operations import RECORD, record_input
from tests.support.server import MODULE, ServeProcess, clean_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "deploy" / "iam"
REGION, ACCOUNT = "us-east-1", "123456789012"  # moto's default account
ROLES = ("service", "consolidation-lambda", "operator")
# Listed from the code, not taken on this run's paths (forgetting a player, moderation,
# trimming and pruning need data a short run does not make). Any other action in a
# policy that no command used fails the test: a policy grows only with the code.
NOT_EXERCISED = {
    # PutItem: the run's one PutItem is the system prompt's session copy, written off the
    # request path, so the stop may come first (it failed this check once in a full run).
    "service": {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:PutItem"},
    "consolidation-lambda": {
        "dynamodb:BatchGetItem",
        "dynamodb:DeleteItem",
        "dynamodb:TransactWriteItems",
    },
    "operator": {
        "dynamodb:BatchGetItem",
        "dynamodb:DeleteItem",
        "dynamodb:TransactWriteItems",
    },
}
SUBSCRIPTION = "subscription { evolutionUpdated(minIntervalMs: 1000) { stage totalInteractions } }"
RECALL = 'query { recall(query: "qubit", limit: 5, player: "Ada") { totalFound } }'
PLAYERS = "query { players(first: 5) { edges { node { name totalInteractions } } } }"
PROMPT = 'query { systemPrompt(player: "Ada", sessionId: "s1") }'  # writes the session's copy


@dataclass
class Deployment:
    """The emulator, the table's name and each user's keys (by role)."""

    endpoint: str
    table: str
    keys: dict[str, tuple[str, str]]
    record: Path
    policies: dict[str, dict[str, Any]]

    def env(self, role: str, **settings: object) -> dict[str, str]:
        """A command's environment as ``role``: only that user's keys, this table."""
        key, secret = self.keys[role]
        env = clean_env(dynamodb_endpoint=self.endpoint, dynamodb_table_name=self.table, **settings)
        env.update(
            AWS_ACCESS_KEY_ID=key,
            AWS_SECRET_ACCESS_KEY=secret,
            AWS_DEFAULT_REGION=REGION,
            PYTHONPATH=str(ROOT),
        )
        env.pop("AWS_SESSION_TOKEN", None)
        return env

    def checks(self) -> list[dict[str, Any]]:
        """Every DynamoDB authorisation the emulator made, in order."""
        lines = self.record.read_text().splitlines() if self.record.exists() else []
        return [json.loads(line) for line in lines]


def policy_for(role: str, table: str) -> dict[str, Any]:
    """deploy/iam/<role>.json with its placeholders filled in."""
    text = (POLICIES / f"{role}.json").read_text()
    for placeholder, value in {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT}.items():
        text = text.replace("${" + placeholder + "}", value)
    document: dict[str, Any] = json.loads(text.replace("${TableName}", table))
    return document


def without(document: dict[str, Any], action: str) -> dict[str, Any]:
    """``document`` with ``action`` taken out of every statement."""
    statements = [
        {**s, "Action": [a for a in s["Action"] if a != action]} for s in document["Statement"]
    ]
    return {**document, "Statement": [s for s in statements if s["Action"]]}


def actions_of(document: dict[str, Any]) -> set[str]:
    """Every action a policy allows."""
    return {a for s in document["Statement"] for a in s["Action"]}


def _start_emulator(record: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = clean_env()
    env.update(PYTHONPATH=str(ROOT), QAI_IAM_RECORD=str(record))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.iam_moto", "--port", "0", "--watch-stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    assert line.startswith("READY "), line
    return process, str(json.loads(line.removeprefix("READY "))["endpoint"])


def _make_user(iam: Any, name: str, document: dict[str, Any]) -> tuple[str, str]:
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def run(deployment: Deployment, role: str, *argv: str, **settings: object) -> str:
    """Run a command as ``role``; its output (stdout and stderr), asserted successful."""
    done = subprocess.run(
        argv,
        env=deployment.env(role, **settings),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "AccessDenied" not in output, output
    return output


def cli(deployment: Deployment, role: str, *args: str, **settings: object) -> str:
    """``qai-graph <args>`` as ``role``."""
    return run(deployment, role, *MODULE, *args, **settings)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Users made, enforcement on, and the table created by the operator."""
    tmp = tmp_path_factory.mktemp("iam")
    record = tmp / "checks.jsonl"
    process, endpoint = _start_emulator(record)
    try:
        table = f"qai-iam-{uuid.uuid4().hex[:8]}"
        iam = boto3.client(
            "iam",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="setup",
            aws_secret_access_key="setup",
        )
        policies = {role: policy_for(role, table) for role in ROLES}
        keys = {role: _make_user(iam, role, policies[role]) for role in ROLES}
        no_scan = without(policies["service"], "dynamodb:Scan")
        keys["service-without-scan"] = _make_user(iam, "service-without-scan", no_scan)
        # From here on every request is signed by one of these users and authorised.
        httpx.post(f"{endpoint}/moto-api/reset-auth", content=b"0").raise_for_status()
        found = Deployment(endpoint, table, keys, record, policies)
        cli(found, "operator", "create-table")
        yield found
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the emulator stops when its stdin closes
        process.wait(timeout=15)


async def test_every_command_runs_as_a_user_holding_only_its_policy(
    deployment: Deployment, tmp_path: Path
) -> None:
    # serve: written with no embeddings (formation on), so reindex below has work to do.
    logs = tmp_path / "serve.log"
    server = ServeProcess(
        deployment.env("service", embeddings="none", observer="local"),
        command=MODULE,
        stdout=logs,
        stderr=logs,
        cwd=ROOT,
    )
    try:
        await server.wait_ready()
        async with ws_client(server.ws_url) as ws, httpx.AsyncClient(base_url=server.url) as http:
            await ws.subscribe(SUBSCRIPTION)
            client = GraphQLClient(http)
            for n in range(3):
                variables = record_input("Ada", f"What is a qubit? ({n})", channel="TWITCH")
                variables["input"].update(qaiResponse="A question I ask too.", sessionId="s1")
                await client.data(RECORD, variables)
            seen = 0
            while seen < 1:  # the subscription's first event may be the state before
                event = await ws.next_data(within=20)
                seen = event["evolutionUpdated"]["totalInteractions"]
            assert (await client.data(RECALL))["recall"]["totalFound"] >= 1
            players = (await client.data(PLAYERS))["players"]["edges"]
            assert [p["node"]["name"] for p in players] == ["Ada"]
            assert "QAI" in (await client.data(PROMPT))["systemPrompt"]
    finally:
        code = server.stop()
    served = logs.read_text()
    assert code in (0, -15), served
    assert "AccessDenied" not in served, served

    cli(deployment, "operator", "consolidate")
    lambda_run = "from qai_graph.lambda_handler import handler; print(handler({}, None))"
    run(deployment, "consolidation-lambda", sys.executable, "-c", lambda_run)
    dump = tmp_path / "memory.jsonl"
    assert "exported" in cli(deployment, "operator", "export", "--out", str(dump))
    # Into the table it came from, which holds items: --force.
    assert "imported" in cli(deployment, "operator", "import", "--force", str(dump))
    reindexed = cli(deployment, "operator", "reindex", embeddings="local")
    assert " 0 of " not in reindexed, reindexed  # it stored vectors: UpdateItem was allowed

    roles = {key: role for role, (key, _) in deployment.keys.items()}
    checks = [c for c in deployment.checks() if roles.get(c["key"]) in ROLES]
    assert [c for c in checks if not c["allowed"]] == []
    for role in ROLES:
        used = {c["action"] for c in checks if roles[c["key"]] == role}
        listed = actions_of(deployment.policies[role])
        assert listed - used - NOT_EXERCISED[role] == set(), role  # listed, never needed
        assert used <= listed, role


async def test_a_policy_without_scan_stops_serve_with_one_line(
    deployment: Deployment, tmp_path: Path
) -> None:
    logs = tmp_path / "serve.log"
    server = ServeProcess(
        deployment.env("service-without-scan"), command=MODULE, stderr=logs, cwd=ROOT
    )
    try:
        code = server.process.wait(timeout=60)
    finally:
        server.kill()
    output = logs.read_text()
    assert code == 4, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if "dynamodb:Scan" in line]
    assert len(lines) == 1, output
    assert lines[0].startswith("qai-graph serve: access denied (Scan): "), lines[0]
    assert "deploy/iam/" in lines[0]
