"""TransactWriteItems' ClientRequestToken on the emulator, as DynamoDB honours it.

botocore retries a request whose answer was lost (a read timeout, a dropped connection)
with the same token; DynamoDB applies a token once in 10 minutes, so the retry must not
count a counter twice (DESIGN invariant 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError

from qai_graph import MemoryService
from qai_graph.store.expressions import Expr, tx_update


@pytest.fixture
def table(dynamo_endpoint: str) -> Iterator[tuple[Any, str]]:
    """A raw boto3 client on the test emulator and a table of this test's own."""
    client = boto3.client("dynamodb", endpoint_url=dynamo_endpoint, region_name="us-east-1")
    name = f"qai-tokens-{uuid.uuid4().hex[:12]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield client, name
    client.delete_table(TableName=name)


def _add(name: str, pk: str, by: int) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": name,
                "Key": {"pk": {"S": pk}},
                "UpdateExpression": "ADD n :by",
                "ExpressionAttributeValues": {":by": {"N": str(by)}},
            }
        }
    ]


def _count(client: Any, name: str, pk: str) -> int:
    item = client.get_item(TableName=name, Key={"pk": {"S": pk}}, ConsistentRead=True)
    return int(item.get("Item", {}).get("n", {"N": "0"})["N"])


def test_the_same_token_twice_applies_once(table: tuple[Any, str]) -> None:
    client, name = table
    token = uuid.uuid4().hex
    for _ in range(2):
        client.transact_write_items(TransactItems=_add(name, "c", 1), ClientRequestToken=token)
    assert _count(client, name, "c") == 1
    # A new token is a new request.
    client.transact_write_items(TransactItems=_add(name, "c", 1), ClientRequestToken="other")
    assert _count(client, name, "c") == 2


def test_the_same_token_with_other_items_is_a_mismatch(table: tuple[Any, str]) -> None:
    client, name = table
    token = uuid.uuid4().hex
    client.transact_write_items(TransactItems=_add(name, "c", 1), ClientRequestToken=token)
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(TransactItems=_add(name, "c", 5), ClientRequestToken=token)
    assert caught.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _count(client, name, "c") == 1


def test_a_cancelled_transaction_leaves_its_token_free(table: tuple[Any, str]) -> None:
    client, name = table
    token = uuid.uuid4().hex
    items = _add(name, "c", 1)
    items[0]["Update"]["ConditionExpression"] = "attribute_exists(pk)"
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    client.put_item(TableName=name, Item={"pk": {"S": "c"}})
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert _count(client, name, "c") == 1


class LosingProxy:
    """Forwards to the emulator, but drops the answer to the first TransactWriteItems
    once the emulator has started answering it (it was applied): botocore sees the
    connection closed and retries the same request, token included."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.armed = True
        self.dropped = 0
        self.transactions = 0
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        losing = [False]  # this connection carries the request whose answer is lost

        def request(data: bytes) -> bool:
            if b"TransactWriteItems" in data:
                self.transactions += 1
                if self.armed:
                    self.armed, losing[0] = False, True
            return True

        def response(_: bytes) -> bool:
            if losing[0]:
                self.dropped += 1
                return False
            return True

        await asyncio.gather(
            self._pipe(reader, up_writer, request),
            self._pipe(up_reader, writer, response),
            return_exceptions=True,
        )
        writer.transport.abort()
        up_writer.transport.abort()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, keep: Callable[..., bool]
    ) -> None:
        try:
            while data := await reader.read(65536):
                if not keep(data):
                    return
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


async def test_a_retry_after_a_lost_answer_counts_once(make_service, dynamo_endpoint) -> None:  # type: ignore[no-untyped-def]
    """Through the service's own client: the first answer is lost, botocore retries."""
    proxy = LosingProxy(dynamo_endpoint)
    await proxy.start()
    try:
        service: MemoryService = await make_service(
            dynamodb_endpoint=proxy.url, dynamodb_max_attempts=3
        )
        expr = Expr()
        await service.store.transact(
            [tx_update("COUNTER#tokens", "C", f"ADD {expr.name('n')} {expr.value(1)}", expr)]
        )
    finally:
        with contextlib.suppress(Exception):
            await proxy.stop()
    assert proxy.dropped == 1
    assert proxy.transactions == 2  # the retry did reach the emulator
    raw = boto3.client("dynamodb", endpoint_url=dynamo_endpoint, region_name="us-east-1")
    item = raw.get_item(
        TableName=service.config.dynamodb_table_name,
        Key={"pk": {"S": "COUNTER#tokens"}, "sk": {"S": "C"}},
        ConsistentRead=True,
    )
    assert item["Item"]["n"] == {"N": "1"}
