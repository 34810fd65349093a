"""The query cost limit, and the operation a document asks for.

**Cost** is how many list items an operation may ask for: every field with a ``first``
argument multiplies what is nested in it, so
``players(first: 50) { interactions(first: 5) }`` costs 50 + 50 x 5 = 300, and the
Dashboard query of docs/api.md costs 550 while
``players(first: 100) { interactions(first: 100) { player { interactions(first: 100) }}}``
costs 1,010,100. Above ``QAI_MEMORY_MAX_QUERY_COST`` (default 20,000: one page of 100
players with 100 interactions and 100 observations each) the operation is refused with
``QUERY_TOO_COSTLY`` before anything runs, the cost and the limit in ``extensions``.
``first`` comes from the literal, the variables or the argument's default; aliases and
fragments count every time they are selected (fragments are costed once each, so a
document cannot make the count itself expensive).

**Operation**: a document with several operations and no ``operationName`` is a request
error (``BAD_REQUEST``); GraphQL says so, while Strawberry runs the first one.

Both run after validation (valid documents only) and before execution, in one
extension placed after the validation cache (which sets the validation errors).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
BAD_REQUEST = "BAD_REQUEST"
PAGE_ARGUMENT = "first"


class _Costing:
    """Costs one operation of a validated document."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self._fragment_costs: dict[str, int] = {}

    def selection_cost(self, selections: SelectionSetNode, parent: GraphQLNamedType) -> int:
        """The cost of ``selections`` on ``parent`` at a multiplier of 1 (cost is linear)."""
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self._field_cost(node, parent)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                if target is not None:
                    total += self.selection_cost(node.selection_set, target)
            elif isinstance(node, FragmentSpreadNode):
                total += self._fragment_cost(node.name.value)
        return total

    def _fragment_cost(self, name: str) -> int:
        if name not in self._fragment_costs:
            self._fragment_costs[name] = 0  # a cycle (validation forbids them) costs nothing
            fragment = self.fragments.get(name)
            target = fragment and self.schema.get_type(fragment.type_condition.name.value)
            if fragment is not None and isinstance(target, GraphQLNamedType):
                self._fragment_costs[name] = self.selection_cost(fragment.selection_set, target)
        return self._fragment_costs[name]

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        fields = getattr(parent, "fields", None)
        definition = fields.get(node.name.value) if fields else None
        if definition is None:
            return 0  # __typename and the like
        inner = 0
        if node.selection_set is not None:
            inner = self.selection_cost(node.selection_set, get_named_type(definition.type))
        page = self._page_size(node, definition.args.get(PAGE_ARGUMENT))
        return inner if page is None else page * (1 + inner)

    def _page_size(self, node: FieldNode, argument: Any) -> int | None:
        if argument is None:
            return None
        value: Any = argument.default_value
        for given in node.arguments or ():
            if given.name.value != PAGE_ARGUMENT:
                continue
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value, value)
        # Anything else fails coercion or the resolver's own check; count it as one.
        return value if isinstance(value, int) and value > 0 else 1


def _variable_defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        if isinstance(definition.default_value, IntValueNode):
            defaults[definition.variable.name.value] = int(definition.default_value.value)
    return defaults


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> int:
    """The cost of ``operation`` with ``variables`` (see the module's docstring)."""
    root: GraphQLObjectType | None = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    values = {**_variable_defaults(operation), **(variables or {})}
    return _Costing(schema, fragments, values).selection_cost(operation.selection_set, root)


def too_costly(cost: int, limit: int) -> GraphQLError:
    """The refusal of an operation over the cost limit."""
    return GraphQLError(
        f"the query may return {cost} list items, more than the limit of {limit}; "
        "ask for smaller pages (first) or fewer nested lists",
        extensions={"code": QUERY_TOO_COSTLY, "cost": cost, "maxCost": limit},
    )


class OperationChecks(SchemaExtension):
    """Refuses an ambiguous document, or an operation over the cost limit, before it runs.

    Runs in ``on_validate`` before Strawberry's own validation step, after
    ``ValidationCache`` has set the validation errors: Strawberry then skips validating
    again and answers with the errors set here. The cached error list is never mutated.
    """

    def __init__(self, *, max_cost: int) -> None:
        super().__init__()
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        """Check the document once it is known to be valid."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            refusal = self._refusal(context, document)
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield

    def _refusal(self, context: Any, document: Any) -> GraphQLError | None:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = getattr(context, "_provided_operation_name", None)
        if name is None and len(operations) > 1:
            return GraphQLError(
                "the document has several operations: say which to run with operationName",
                extensions={"code": BAD_REQUEST},
            )
        chosen = [o for o in operations if name is None or (o.name and o.name.value == name)]
        if not chosen:
            return None  # Strawberry refuses an unknown operationName itself
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = context.variables if isinstance(context.variables, dict) else None
        cost = operation_cost(context.schema._schema, chosen[0], fragments, variables)
        return too_costly(cost, self.max_cost) if cost > self.max_cost else None
