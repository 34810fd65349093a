"""Every change the emulator makes to moto, named in one registry: :data:`PATCHES`.

The fixes live in :mod:`.moto_fixes` (one module per concern) and, for the writes a
compaction must not see, in :mod:`.copy_on_write`; :func:`apply` installs them into
moto's DynamoDB backend inside the emulator's child process only. moto is pinned to one
exact version (pyproject.toml) because all of this replaces its private internals;
tests/durability/test_moto_pin.py names every patch to re-check when the pin moves.

1. TransactWriteItems checks every condition first and writes only if all pass. moto
   deep-copies each table a transaction touches (once per item) to roll back, which is
   O(table size) per transaction: seconds on a table of 50,000 items. Checking first
   makes rollback unnecessary for condition failures; a failure while writing (rare:
   a malformed expression) restores the touched items from their saved images.
   (:mod:`.moto_fixes.transactions`)
2. Query looks only at the partition asked for. moto lists and sorts the whole table
   for every Query; a table Query now reads its one partition, and an index Query the
   index partition (9 narrows both to the key range; this is its fallback).
   (:mod:`.moto_fixes.query`)
3. Item operations answer with plain ``json.dumps`` instead of moto's shape-driven
   serialiser, which took most of a small Query's time. (:mod:`.moto_fixes.serialise`)
4. An Item checks its 400 KB limit once instead of once per attribute (quadratic: most
   of a PutItem's time, and of loading a snapshot). (:mod:`.moto_fixes.items`)
5. While a compaction reads a frozen view of the tables, writes copy the partition
   (and UpdateItem the item) they change first (:class:`.copy_on_write.CopyOnWrite`).
6. TransactWriteItems honours ``ClientRequestToken`` (:mod:`.tokens`): within 10 minutes
   a repeat with the same parameters succeeds without applying again, one with other
   parameters gets IdempotentParameterMismatchException. moto ignores the token, so a
   botocore retry after a lost answer was applied twice (a counter counted twice).
   (:mod:`.moto_fixes.transactions`)
7. Moto's dispatch remembers what never changes: which backend serves a host (moto
   lists its package directory, ~60 ``stat`` calls, on every request to find out) and
   which actions a response class has (``inspect.getmembers`` per request).
   (:mod:`.moto_fixes.dispatch`)
8. A table Scan page starts where the last one stopped, and reads items as they are
   kept. Moto sorts the whole table for every page and then walks it from the top,
   comparing each item with the ExclusiveStartKey (O(n) a page, O(n^2) a full Scan),
   then builds, sizes and deep-copies every item it returns; the recall index's build at
   start timed out at 200,000 items. The sorted order is now kept once per generation of
   the data, a page bisects to its start, and an item restored from a snapshot is sized
   and projected (top-level names) from its wire JSON. A FilterExpression still builds
   the items it tests. (:mod:`.moto_fixes.scan`, :mod:`.moto_fixes.generation`)
9. Query is handed only the items its key range, start key and limit can reach, from
   partitions kept sorted by every write (:mod:`.key_ranges`): moto sized every item of
   the partition before testing the key condition, so a recall-feed poll of a short-term
   index partition cost 12-16 ms at 200 items, and every request queued behind it.
   (:mod:`.moto_fixes.query`; the writes in :mod:`.copy_on_write` keep the ranges)
10. A table's stream keeps its newest 10,000 records. moto keeps every record (both
   images of every write) for the life of the process: an embedded store running for a
   month of streams grew without bound. DynamoDB keeps 24 hours.
   (:mod:`.moto_fixes.streams`)
11. A projection of top-level names shares the item's values instead of turning the whole
   item into plain JSON and back once per name, and a Query's results are not deep-copied
   before they are projected and serialised (nothing else runs meanwhile).
   (:mod:`.moto_fixes.items`, :mod:`.moto_fixes.query`)
12. A condition expression is tokenised once per distinct text, not once per request.
   (:mod:`.moto_fixes.conditions`)

Patches 1-5, 7, 9, 11 and 12 keep moto's answers the same and 6 makes them DynamoDB's;
the integration tests run against the patched emulator, and DynamoDB itself needs none
of this.

The registry is plain data (``module:attribute`` strings), so it can be read without
importing moto: a moto that renamed what we patch still gets every patch named.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

_FIXES = "qai_graph.emulator.moto_fixes"


class Patch(NamedTuple):
    """One assignment into moto: the attribute replaced, by what, and why."""

    name: str
    fixes: tuple[int, ...]  # the numbers above
    target: str  # moto's "module:Class.attribute" (or "module:attribute") replaced
    replacement: str  # "module:attribute" of the replacement
    why: str


PATCHES: tuple[Patch, ...] = (
    Patch(
        "dispatch-backend-per-host",
        (7,),
        "moto.moto_server.werkzeug_app:DomainDispatcherApplication.get_backend_for_host",
        f"{_FIXES}.dispatch:backend_for_host",
        "moto lists its package directory on every request to find a host's backend",
    ),
    Patch(
        "dispatch-action-names",
        (7,),
        "moto.core.responses:method_names_from_class",
        f"{_FIXES}.dispatch:method_names_from_class",
        "moto runs inspect.getmembers of a response class on every request",
    ),
    Patch(
        "transact-check-first",
        (1,),
        "moto.dynamodb.models:DynamoDBBackend.transact_write_items",
        f"{_FIXES}.transactions:transact_write_items",
        "moto deep-copies every table a transaction touches, to roll back",
    ),
    Patch(
        "query-key-range",
        (2, 9, 11),
        "moto.dynamodb.models.table:Table.query",
        f"{_FIXES}.query:query",
        "moto lists, sorts and sizes the whole table for every Query",
    ),
    Patch(
        "scan-from-start-key",
        (8,),
        "moto.dynamodb.models.table:Table.scan",
        f"{_FIXES}.scan:scan",
        "moto sorts the whole table and walks it from the top for every Scan page",
    ),
    Patch(
        "plain-json-answers",
        (3,),
        "moto.dynamodb.responses:DynamoResult.execute_result",
        f"{_FIXES}.serialise:execute_result",
        "moto's shape-driven serialiser took most of a small Query's time",
    ),
    Patch(
        "item-size-checked-once",
        (4,),
        "moto.dynamodb.models.dynamo_type:Item.__init__",
        f"{_FIXES}.items:item_init",
        "moto checks the 400 KB item limit once per attribute (quadratic)",
    ),
    Patch(
        "update-copy-on-write",
        (5, 8, 9, 11),
        "moto.dynamodb.models:DynamoDBBackend.update_item",
        "qai_graph.emulator.copy_on_write:update_item",
        "a compaction's frozen view must not change; keeps key ranges and generation",
    ),
    Patch(
        "put-copy-on-write",
        (5, 8, 9, 11),
        "moto.dynamodb.models.table:Table.put_item",
        "qai_graph.emulator.copy_on_write:table_put_item",
        "a compaction's frozen view must not change; keeps key ranges and generation",
    ),
    Patch(
        "delete-copy-on-write",
        (5, 8, 9, 11),
        "moto.dynamodb.models.table:Table.delete_item",
        "qai_graph.emulator.copy_on_write:table_delete_item",
        "a compaction's frozen view must not change; keeps key ranges and generation",
    ),
    Patch(
        "transact-request-tokens",
        (6,),
        "moto.dynamodb.responses:DynamoHandler.transact_write_items",
        f"{_FIXES}.transactions:handler_transact_write_items",
        "moto ignores ClientRequestToken: a retried transaction was applied twice",
    ),
    Patch(
        "stream-newest-records",
        (10,),
        "moto.dynamodb.models.table:StreamShard.add",
        f"{_FIXES}.streams:stream_add",
        "moto keeps every stream record for the life of the process",
    ),
    Patch(
        "project-shared-values",
        (11,),
        "moto.dynamodb.models.dynamo_type:Item.project",
        f"{_FIXES}.items:item_project",
        "moto turns the whole item into JSON and back once per projected name",
    ),
    Patch(
        "lex-condition-once",
        (12,),
        "moto.dynamodb.comparisons:ConditionExpressionParser._lex_condition_expression",
        f"{_FIXES}.conditions:lex_condition",
        "every conditional write and filtered read lexed its expression again",
    ),
    Patch(
        "item-size-remembered",
        (11,),
        "moto.dynamodb.models.dynamo_type:Item.size",
        f"{_FIXES}.items:item_size",
        "a Query sizes each item it returns twice, and sizing walks every attribute",
    ),
    Patch(
        "query-results-uncopied",
        (11,),
        "moto.dynamodb.models.table:copy",
        f"{_FIXES}.query:QUERY_RESULT_COPY",
        "Table.query deep-copies its results before projecting them",
    ),
)


def holder_of(reference: str) -> tuple[Any, str]:
    """The object holding ``module:dotted.name`` (imported), and the name's last part."""
    module, _, dotted = reference.partition(":")
    holder: Any = importlib.import_module(module)
    *path, name = dotted.split(".")
    for part in path:
        holder = getattr(holder, part)
    return holder, name


def apply() -> None:
    """Install the patches into this process's moto."""
    installs = []
    for patch in PATCHES:
        # Importing a fix module keeps moto's originals it wraps: all are imported
        # before the first assignment, so none of them keeps a replacement instead.
        source, name = holder_of(patch.replacement)
        installs.append((*holder_of(patch.target), getattr(source, name)))
    for owner, attribute, replacement in installs:
        setattr(owner, attribute, replacement)
