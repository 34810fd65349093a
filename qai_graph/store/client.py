"""The DynamoDB client: one aiobotocore client per service, and the error map.

Errors raised from here (besides the domain errors of ``qai_graph.errors``):
    ConditionFailed         a conditional write's condition was false
    TransactionCancelled    a transaction was cancelled; ``reasons`` has one code per item
Anything botocore raises that is not mapped here is re-raised unchanged.

Observers (:class:`CallObserver`, e.g. the API's Prometheus metrics) hear of every
request the item operations make, with its outcome and latency; the store itself knows
nothing of how they are reported.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar
from typing import Any, Protocol

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from qai_graph.config import MemoryConfig
from qai_graph.errors import InvalidInput, StoreUnavailable
from qai_graph.store import fast_parse
from qai_graph.store.codec import deserialize, serialize
from qai_graph.store.expressions import Expr

logger = logging.getLogger(__name__)

_UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "ResourceNotFoundException",
}
_NETWORK_ERRORS = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    BotoConnectionError,
)


class CallObserver(Protocol):
    """Hears of each DynamoDB request: its API name, outcome (``ok`` or the error's code
    or class) and seconds taken, botocore's retries included."""

    def __call__(self, api: str, outcome: str, seconds: float) -> None:
        """One request ended."""
        ...


def outcome_of(exc: BaseException) -> str:
    """The error code DynamoDB answered, else the failure's class name."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ClientError):
            return str(seen.response.get("Error", {}).get("Code", "ClientError"))
        seen = seen.__cause__
    cause = exc.__cause__ or exc
    return type(cause).__name__


class ConditionFailed(Exception):
    """A conditional write found the item not as expected."""


class TransactionCancelled(Exception):
    """A transaction was cancelled; ``reasons`` holds one code per transaction item."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(f"transaction cancelled: {list(reasons)}")
        self.reasons = list(reasons)

    def failed(self, index: int) -> bool:
        """True when item ``index`` failed its condition."""
        return index < len(self.reasons) and self.reasons[index] == "ConditionalCheckFailed"


CALL_BUDGET_S: ContextVar[float | None] = ContextVar("store_call_budget_s", default=None)
"""When set (the API sets it per operation), each DynamoDB call, botocore's retries
included, must finish within it or the store is unavailable (STORE_UNAVAILABLE)."""


@asynccontextmanager
async def translate_errors(operation: str) -> AsyncIterator[None]:
    """Map botocore failures onto domain errors; re-raise anything else unchanged."""
    try:
        async with asyncio.timeout(CALL_BUDGET_S.get()):
            yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(operation) from exc
        if code == "TransactionCanceledException":
            reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
            if any(r in ("ThrottlingError", "TransactionConflict") for r in reasons):
                raise StoreUnavailable(f"{operation}: transaction conflicted, retry") from exc
            raise TransactionCancelled(reasons) from exc
        if code == "ValidationException":
            message = exc.response.get("Error", {}).get("Message", "")
            if "size" in message.lower():
                raise InvalidInput(f"the item is too large to store: {message}") from exc
            raise
        if code in _UNAVAILABLE_CODES:
            logger.warning("DynamoDB %s failed: %s", operation, code)
            raise StoreUnavailable(f"the memory store is unavailable ({code})") from exc
        raise
    except _NETWORK_ERRORS as exc:
        logger.warning("DynamoDB %s unreachable: %s", operation, exc)
        raise StoreUnavailable("the memory store is unreachable") from exc
    except TimeoutError as exc:
        raise StoreUnavailable("the memory store did not answer in time") from exc
    except BotoCoreError as exc:
        logger.warning("DynamoDB %s failed: %s", operation, exc)
        raise StoreUnavailable("the memory store failed") from exc


class DynamoClient:
    """Owns the aiobotocore DynamoDB client and offers plain-dict item operations."""

    def __init__(self, config: MemoryConfig, endpoint: str | None = None) -> None:
        self.config = config
        self.table_name = config.dynamodb_table_name
        self.endpoint = endpoint or config.dynamodb_endpoint
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self.observers: list[CallObserver] = []

    @property
    def client(self) -> Any:
        """The raw aiobotocore client (tests hook its events to count requests)."""
        if self._client is None:
            raise RuntimeError("DynamoClient is not open; call open() first")
        return self._client

    async def open(self) -> None:
        """Create the client: timeouts and botocore's retry mode from config."""
        if self._client is not None:
            return
        timeout = self.config.dynamodb_timeout_s
        boto_config = AioConfig(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={
                "mode": self.config.dynamodb_retry_mode,
                "max_attempts": self.config.dynamodb_max_attempts,
            },
            max_pool_connections=64,
        )
        kwargs: dict[str, Any] = {"region_name": self.config.dynamodb_region, "config": boto_config}
        if self.endpoint:
            kwargs["endpoint_url"] = self.endpoint
            if not os.environ.get("AWS_ACCESS_KEY_ID"):
                # Local emulators accept any credentials; AWS never sees these.
                kwargs["aws_access_key_id"] = "local"
                kwargs["aws_secret_access_key"] = "local"
        stack = AsyncExitStack()
        self._client = await stack.enter_async_context(
            aioboto3.Session().client("dynamodb", **kwargs)
        )
        fast_parse.register(self._client.meta.events)  # reads: json.loads, not shape walks
        self._stack = stack

    async def close(self) -> None:
        """Close the client and its connection pool."""
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = None
        self._client = None

    async def ready(self) -> bool:
        """True when the table answers (DescribeTable); a failure is logged, not raised."""
        try:
            await self.client.describe_table(TableName=self.table_name)
        except Exception:
            logger.warning("readiness check failed", exc_info=True)
            return False
        return True

    def observe(self, observer: CallObserver) -> Callable[[], None]:
        """Tell ``observer`` of every request; returns the function that stops it."""
        self.observers.append(observer)
        return lambda: self.observers.remove(observer)

    @asynccontextmanager
    async def _call(self, api: str) -> AsyncIterator[None]:
        """One request: errors mapped (``translate_errors``), outcome told to observers."""
        start = time.perf_counter()
        outcome = "ok"
        try:
            async with translate_errors(api):
                yield
        except BaseException as exc:
            outcome = "cancelled" if isinstance(exc, asyncio.CancelledError) else outcome_of(exc)
            raise
        finally:
            for observer in self.observers:
                observer(api, outcome, time.perf_counter() - start)

    # --- single items --------------------------------------------------------------

    async def get(self, pk: str, sk: str, *, consistent: bool = True) -> dict[str, Any] | None:
        """GetItem; None when absent."""
        async with self._call("GetItem"):
            response = await self.client.get_item(
                TableName=self.table_name,
                Key=serialize({"pk": pk, "sk": sk}),
                ConsistentRead=consistent,
            )
        item = response.get("Item")
        return deserialize(item) if item else None

    async def put(
        self, item: Mapping[str, Any], *, condition: str | None = None, expr: Expr | None = None
    ) -> None:
        """PutItem, optionally conditional."""
        params: dict[str, Any] = {"TableName": self.table_name, "Item": serialize(item)}
        if condition:
            params["ConditionExpression"] = condition
        if expr:
            params.update(expr.params())
        async with self._call("PutItem"):
            await self.client.put_item(**params)

    async def update(
        self,
        pk: str,
        sk: str,
        update: str,
        expr: Expr,
        *,
        condition: str | None = None,
        return_new: bool = False,
    ) -> dict[str, Any] | None:
        """UpdateItem; returns the new item when ``return_new``."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": serialize({"pk": pk, "sk": sk}),
            "UpdateExpression": update,
            **expr.params(),
        }
        if condition:
            params["ConditionExpression"] = condition
        if return_new:
            params["ReturnValues"] = "ALL_NEW"
        async with self._call("UpdateItem"):
            response = await self.client.update_item(**params)
        attributes = response.get("Attributes")
        return deserialize(attributes) if attributes else None

    async def delete(
        self, pk: str, sk: str, *, condition: str | None = None, expr: Expr | None = None
    ) -> bool:
        """DeleteItem; True when an item was actually deleted by this call."""
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": serialize({"pk": pk, "sk": sk}),
            "ReturnValues": "ALL_OLD",
        }
        if condition:
            params["ConditionExpression"] = condition
        if expr:
            params.update(expr.params())
        try:
            async with self._call("DeleteItem"):
                response = await self.client.delete_item(**params)
        except ConditionFailed:
            return False
        return bool(response.get("Attributes"))

    # --- many items ----------------------------------------------------------------

    async def batch_get(
        self,
        keys: Sequence[tuple[str, str]],
        *,
        projection: str | None = None,
        names: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """BatchGetItem in chunks of 100, retrying unprocessed keys; order not kept."""
        unique = list(dict.fromkeys(keys))
        found: list[dict[str, Any]] = []
        for start in range(0, len(unique), 100):
            request: dict[str, Any] = {
                self.table_name: {
                    "Keys": [
                        serialize({"pk": pk, "sk": sk}) for pk, sk in unique[start : start + 100]
                    ],
                    "ConsistentRead": True,
                }
            }
            if projection:
                request[self.table_name]["ProjectionExpression"] = projection
                request[self.table_name]["ExpressionAttributeNames"] = dict(names or {})
            for attempt in range(8):
                async with self._call("BatchGetItem"):
                    response = await self.client.batch_get_item(RequestItems=request)
                found.extend(deserialize(i) for i in response["Responses"].get(self.table_name, []))
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
            else:
                raise StoreUnavailable("the memory store kept throttling a batch read")
        return found

    async def query(self, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One Query page: (plain items, LastEvaluatedKey in wire form or None)."""
        items, last = await self.query_wire(**params)
        return [deserialize(i) for i in items], last

    async def query_wire(self, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One Query page with items in wire form, for callers that decode only some."""
        async with self._call("Query"):
            response = await self.client.query(TableName=self.table_name, **params)
        return response.get("Items", []), response.get("LastEvaluatedKey")

    async def scan(self, **params: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One Scan page: (plain items, LastEvaluatedKey in wire form or None)."""
        async with translate_errors("Scan"):
            response = await self.client.scan(**params)
        return [deserialize(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    async def query_all(self, **params: Any) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a Query, one list per page."""
        start: dict[str, Any] | None = None
        while True:
            page_params = dict(params)
            if start:
                page_params["ExclusiveStartKey"] = start
            items, start = await self.query(**page_params)
            yield items
            if not start:
                return

    async def transact(self, items: Sequence[Mapping[str, Any]]) -> None:
        """TransactWriteItems with a client token, so botocore's own retries apply once."""
        prepared = [self._with_table(i) for i in items]
        async with self._call("TransactWriteItems"):
            await self.client.transact_write_items(
                TransactItems=prepared, ClientRequestToken=uuid.uuid4().hex
            )

    def _with_table(self, item: Mapping[str, Any]) -> dict[str, Any]:
        ((kind, body),) = item.items()
        return {kind: {"TableName": self.table_name, **body}}
