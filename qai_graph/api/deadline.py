"""Operation deadlines: every query, mutation and subscription event gets at most
``QAI_MEMORY_OPERATION_TIMEOUT_S`` of resolver work, over HTTP and WebSocket alike.

The deadline lives in the executor graphql-core runs (``execution_context_class``), so
one mechanism covers every transport: a query or mutation's whole execution, and the
execution of each subscription event (graphql-core builds a per-event copy of the
executor and calls ``execute_operation`` on it; the wait for the next event is not
bounded). Parsing and validation are synchronous and bounded by the document limits.
When the deadline passes, the work is cancelled and the answer is ``TIMEOUT``, which is
not ``STORE_UNAVAILABLE``: within an operation each store call has its own budget
(``QAI_MEMORY_DYNAMODB_TIMEOUT_S``, botocore's retries included, set here through
``memory.budget.store_call_budget``) and says so itself when the store fails.

``runConsolidation`` is exempt: it walks the whole table, so its length is the table's
size, and each of its DynamoDB calls keeps the store's own budget. The exemption is
decided on the parsed operation's root fields, never on the query text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from graphql import ExecutionResult as CoreResult
from graphql import FieldNode, GraphQLError, OperationType

from qai_graph.api.execution import PerEventMemoExecutionContext
from qai_graph.memory.budget import store_call_budget

TIMEOUT = "TIMEOUT"
LONG_RUNNING_MUTATIONS = frozenset({"runConsolidation"})

logger = logging.getLogger("qai_graph.api")


def timeout_error(seconds: float) -> GraphQLError:
    """The error of an operation cancelled at its deadline."""
    return GraphQLError(
        f"the operation did not finish within {seconds:g} s and was cancelled",
        extensions={"code": TIMEOUT},
    )


class DeadlineExecutor(PerEventMemoExecutionContext):
    """graphql-core's executor with the operation deadline around each execution."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        """Execute as graphql-core does; bound the asynchronous part by the deadline."""
        result = super().execute_operation(serially)
        if not self.is_awaitable(result):
            return result
        budget = getattr(self.context_value, "store_call_budget_s", None)
        return _bounded(result, self._deadline_s(), budget)

    def _deadline_s(self) -> float | None:
        seconds = getattr(self.context_value, "operation_timeout_s", None)
        if not isinstance(seconds, (int, float)):
            return None
        operation = self.operation
        if operation.operation == OperationType.MUTATION:
            roots = {
                node.name.value
                for node in operation.selection_set.selections
                if isinstance(node, FieldNode)
            }
            if roots & LONG_RUNNING_MUTATIONS:
                return None
        return float(seconds)


async def _bounded(awaitable: Awaitable[Any], seconds: float | None, budget: Any) -> Any:
    # Each store call within the operation has the store's own budget (set here, not for
    # every library user: a direct MemoryService keeps botocore's per-attempt timeouts).
    with store_call_budget(budget if isinstance(budget, (int, float)) else None):
        try:
            async with asyncio.timeout(seconds):
                return await awaitable
        except TimeoutError:
            logger.warning("operation cancelled at its deadline of %.3g s", seconds)
            return CoreResult(data=None, errors=[timeout_error(seconds or 0)])
