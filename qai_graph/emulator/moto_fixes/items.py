"""Items built once (patch 4), projected by sharing values and sized once (patch 11).

4. An Item checks its 400 KB limit once instead of once per attribute (quadratic: most
   of a PutItem's time, and of loading a snapshot).
11. A projection of top-level names shares the item's values instead of turning the whole
   item into plain JSON and back once per name, and an item's size is remembered until
   the next write (:mod:`.generation`); the Query half of 11 is in :mod:`.query`.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.utilities import bytesize

from qai_graph.emulator.moto_fixes.generation import GENERATION

_item_project = Item.project
_item_size = Item.size


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """Item() with its 400 KB check done once, not once per attribute (O(n^2) in moto)."""
    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: DynamoType(value) for key, value in attrs.items()}
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, values)  # bypasses the per-key __setitem__ check
    if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
        raise ItemSizeTooLarge


def item_project(self: Any, paths: list[list[str]]) -> Any:
    """Item.project of top-level names, sharing the item's values; nested paths and list
    elements go to moto. moto turned the whole item into plain JSON once per path and
    back (146 conversions for one 25-attribute item projected to 28 names)."""
    if any(len(path) != 1 or "[" in path[0] for path in paths):
        return _item_project(self, paths)
    raw = self.__dict__.get("_wire")
    if raw is not None:  # restored and not read since: only the names asked for are built
        values = {path[0]: DynamoType(raw[path[0]]) for path in paths if path[0] in raw}
    else:
        values = {path[0]: self.attrs[path[0]] for path in paths if path[0] in self.attrs}
    projected = object.__new__(Item)
    projected.hash_key = self.hash_key
    projected.range_key = self.range_key
    projected.attrs = LimitedSizeDict()
    dict.update(projected.attrs, values)
    return projected


def item_size(self: Any) -> int:
    """Item.size, remembered until the next write: a Query sizes each item it returns
    twice (the page's 1 MB limit), and sizing walks every attribute."""
    cached = self.__dict__.get("_size")
    if cached is not None and cached[0] == GENERATION[0]:
        return int(cached[1])
    size = int(_item_size(self))
    self.__dict__["_size"] = (GENERATION[0], size)
    return size
