"""deploy/cloudformation/qai-graph.yaml deploys what the code expects, and the service runs on it.

Read (no emulator): the Table's properties are ``qai_graph.store.table``'s definition plus
TTL on ``ttl``; each role's inline policy is its deploy/iam/<role>.json, statement for
statement (those files are the one source of the policies: change one side alone and
this fails).

Deployed into moto's CloudFormation (the session's emulator serves every moto service):
the stack completes; its table describes as ``create-table``'s does; the schedule targets
the function and EventBridge may invoke it. Then a MemoryService on the stack's outputs
records and recalls an interaction, and the function's handler, run as Lambda runs it
(its ``Handler`` and ``Environment`` as deployed, in a process of its own), consolidates
the table, importing nothing that scripts/lambda_requirements.py leaves out of the package.
moto stores the function's code but cannot run it (that needs Docker), and its
CloudFormation does not apply ``TimeToLiveSpecification``: TTL is checked in the template.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode.cfn_yaml import load

from qai_graph import Channel, MemoryConfig, MemoryService
from qai_graph.store.table import TTL_ATTRIBUTE, table_definition

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "cloudformation" / "qai-graph.yaml"
POLICIES = ROOT / "deploy" / "iam"
REGION = "us-east-1"
# Logical id in the template -> the policy file it embeds.
ROLES = {
    "ServiceRole": "service",
    "OperatorRole": "operator",
    "ConsolidationRole": "consolidation-lambda",
}


def template() -> dict[str, Any]:
    """The template as plain data, short forms long (``!Sub x`` is ``{"Fn::Sub": x}``)."""
    document: dict[str, Any] = json.loads(json.dumps(load(str(TEMPLATE))))
    return document


def subs_as_text(value: Any) -> Any:
    """``value`` with every ``{"Fn::Sub": text}`` replaced by its text, as the files write it."""
    if isinstance(value, dict):
        if list(value) == ["Fn::Sub"] and isinstance(value["Fn::Sub"], str):
            return value["Fn::Sub"]
        return {k: subs_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [subs_as_text(v) for v in value]
    return value


def policy_file(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((POLICIES / f"{name}.json").read_text())
    return document


def sorted_definitions(definition: dict[str, Any]) -> dict[str, Any]:
    """A table's shape with its lists in a stable order (AWS does not keep theirs)."""
    return {
        **definition,
        "AttributeDefinitions": sorted(
            definition["AttributeDefinitions"], key=lambda a: a["AttributeName"]
        ),
        "GlobalSecondaryIndexes": sorted(
            definition["GlobalSecondaryIndexes"], key=lambda i: i["IndexName"]
        ),
    }


def test_the_table_is_create_tables_with_ttl() -> None:
    table = template()["Resources"]["Table"]
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    properties = dict(table["Properties"])
    assert properties.pop("TableName") == {"Ref": "TableName"}
    assert properties.pop("TimeToLiveSpecification") == {
        "AttributeName": TTL_ATTRIBUTE,
        "Enabled": True,
    }
    expected = table_definition("unused")
    del expected["TableName"]
    # CloudFormation's StreamSpecification has no StreamEnabled: a view type enables it.
    assert expected["StreamSpecification"].pop("StreamEnabled") is True
    assert properties == expected


def test_every_role_embeds_its_policy_file() -> None:
    resources = template()["Resources"]
    for logical_id, name in ROLES.items():
        policies = resources[logical_id]["Properties"]["Policies"]
        assert [p["PolicyName"] for p in policies] == [name], logical_id
        assert subs_as_text(policies[0]["PolicyDocument"]) == policy_file(name), logical_id
    bedrock = resources["BedrockPolicy"]
    assert bedrock["Condition"] == "UseBedrock"
    assert bedrock["Properties"]["Roles"] == [{"Ref": "ServiceRole"}, {"Ref": "ConsolidationRole"}]
    assert subs_as_text(bedrock["Properties"]["PolicyDocument"]) == policy_file("bedrock")
    # Every policy file is in the template: a new role of use cannot be left out of it.
    assert {p.stem for p in POLICIES.glob("*.json")} == {*ROLES.values(), "bedrock"}


def test_the_function_runs_the_handler_the_package_is_built_for() -> None:
    function = template()["Resources"]["ConsolidationFunction"]["Properties"]
    module, name = function["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), name))
    # scripts/package-lambda builds for one runtime: the template's.
    version = function["Runtime"].removeprefix("python")
    script = (ROOT / "scripts" / "package-lambda").read_text()
    assert f'target_python="${{LAMBDA_PYTHON:-{version}}}"' in script


def _lambda_requirements() -> Any:
    spec = importlib.util.spec_from_file_location(
        "lambda_requirements", ROOT / "scripts" / "lambda_requirements.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _code_zip() -> bytes:
    """What moto stores as the function's code (it never runs it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(ROOT / "qai_graph" / "lambda_handler.py", "qai_graph/lambda_handler.py")
    return buffer.getvalue()


def _deploy(endpoint: str, table: str) -> tuple[dict[str, str], Any]:
    """Create the stack; its outputs, and a client maker on the emulator."""

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

    bucket, stack = f"qai-code-{uuid.uuid4().hex[:8]}", f"qai-{uuid.uuid4().hex[:8]}"
    client("s3").create_bucket(Bucket=bucket)
    client("s3").put_object(Bucket=bucket, Key="qai-graph-lambda.zip", Body=_code_zip())
    cfn = client("cloudformation")
    # A table-shaping setting away from its default: the function must carry it.
    parameters = {
        "TableName": table,
        "CodeBucket": bucket,
        "Bedrock": "true",
        "TierIndexShards": "2",
    }
    cfn.create_stack(
        StackName=stack,
        TemplateBody=TEMPLATE.read_text(),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    cfn.get_waiter("stack_create_complete").wait(
        StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}, client


def _described_shape(description: dict[str, Any]) -> dict[str, Any]:
    """DescribeTable's answer in CreateTable's terms."""
    return {
        "TableName": description["TableName"],
        "KeySchema": description["KeySchema"],
        "AttributeDefinitions": description["AttributeDefinitions"],
        "GlobalSecondaryIndexes": [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in description["GlobalSecondaryIndexes"]
        ],
        "BillingMode": description["BillingModeSummary"]["BillingMode"],
        "StreamSpecification": description["StreamSpecification"],
    }


def _run_handler(function: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The deployed function's handler in a process of its own, with its environment and
    the emulator's endpoint: its counts, and the distributions it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QAI_MEMORY_")}
    env.update({k: str(v) for k, v in function["Environment"]["Variables"].items()})
    env.update(QAI_MEMORY_DYNAMODB_ENDPOINT=endpoint, PYTHONPATH=str(ROOT))
    module, name = function["Handler"].rsplit(".", 1)
    program = f"""
import importlib, json, sys
from importlib.metadata import packages_distributions
before = set(sys.modules)
handler = getattr(importlib.import_module({module!r}), {name!r})
counts = handler({{}}, None)
owners = packages_distributions()
imported = {{d for m in set(sys.modules) - before for d in owners.get(m.split(".")[0], [])}}
print(json.dumps({{"counts": counts, "imported": sorted(imported)}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.slow
async def test_the_stack_deploys_and_the_service_and_consolidation_run_on_it(
    dynamo_endpoint: str,
) -> None:
    table = f"qai-cfn-{uuid.uuid4().hex[:8]}"
    outputs, client = _deploy(dynamo_endpoint, table)
    assert (outputs["TableName"], outputs["Region"]) == (table, REGION)
    # Bedrock is "true" above: its policy joins the service's and the Lambda's roles.
    inline = {
        "ServiceRoleArn": ["bedrock", "service"],
        "OperatorRoleArn": ["operator"],
        "ConsolidationRoleArn": ["bedrock", "consolidation-lambda"],
    }
    for output, names in inline.items():
        role_name = outputs[output].rsplit(":role/", 1)[1]
        listed = client("iam").list_role_policies(RoleName=role_name)["PolicyNames"]
        assert sorted(listed) == names, output

    dynamodb = client("dynamodb")
    described = dynamodb.describe_table(TableName=table)["Table"]
    assert sorted_definitions(_described_shape(described)) == sorted_definitions(
        table_definition(table)
    )
    assert outputs["TableStreamArn"] == described["LatestStreamArn"]

    function_arn = outputs["ConsolidationFunctionArn"]
    function = client("lambda").get_function_configuration(FunctionName=function_arn)
    assert function["Role"] == outputs["ConsolidationRoleArn"]
    settings = function["Environment"]["Variables"]
    # (moto keeps a Number parameter's type; Lambda itself hands over strings)
    assert str(settings["QAI_MEMORY_TIER_INDEX_SHARDS"]) == "2"
    assert str(settings["QAI_MEMORY_SHORT_TERM_TTL"]) == "259200"  # the service's default
    events = client("events")
    (rule,) = events.list_rule_names_by_target(TargetArn=function_arn)["RuleNames"]
    schedule = events.describe_rule(Name=rule)
    assert (schedule["ScheduleExpression"], schedule["State"]) == ("rate(1 hour)", "ENABLED")
    grant = json.loads(client("lambda").get_policy(FunctionName=function_arn)["Policy"])
    (statement,) = grant["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == schedule["Arn"]

    # The service, configured from the outputs alone (as the README's AWS example).
    config = MemoryConfig(
        use_aws=True,
        dynamodb_endpoint=dynamo_endpoint,
        dynamodb_table_name=outputs["TableName"],
        dynamodb_region=outputs["Region"],
        observer="none",
        tier_index_shards=2,  # as the stack gave the function (the service must match)
    )
    async with MemoryService(config) as service:
        await service.record_interaction(
            "Ada", Channel.TWITCH, "How does quantum teleportation work?", "Entanglement."
        )
        recalled = await service.recall("teleportation", player="Ada")
        assert any("teleportation" in m.content for m in recalled.memories), recalled
        proven = await service.store_observation(
            "GENERAL", "players love teleports", "pattern", 0.6
        )
        for _ in range(2):  # evidence 3, confidence 0.8: promotion's thresholds
            await service.reinforce_observation(proven.subject, proven.observation_id)

        ran = _run_handler(function, dynamo_endpoint)
        assert ran["counts"]["observations_promoted"] == 1, ran
        promoted = await service.get_observation(proven.subject, proven.observation_id)
        assert promoted is not None and promoted.promoted

    requirements = _lambda_requirements()
    lock = requirements.read_lock((ROOT / "requirements.lock").read_text())
    left_out = {requirements.normalise(n) for n in requirements.LEFT_OUT}
    packaged = requirements.kept(lock, left_out)
    imported = {requirements.normalise(d) for d in ran["imported"]} - {"qai-graph"}
    assert imported & set(lock) <= packaged, imported & set(lock) - packaged
