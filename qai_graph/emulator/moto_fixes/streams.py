"""A table's stream keeps its newest 10,000 records (patch 10).

moto keeps every record (both images of every write) for the life of the process: an
embedded store running for a month of streams grew without bound. DynamoDB keeps 24
hours.
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models.table import StreamShard

STREAM_RECORDS = 10_000
_stream_add = StreamShard.add


def stream_add(self: Any, old: Any, new: Any) -> None:
    """StreamShard.add, keeping the newest ``STREAM_RECORDS`` records."""
    _stream_add(self, old, new)
    excess = len(self.items) - STREAM_RECORDS
    if excess > STREAM_RECORDS // 10:  # trimmed in batches: a list's head is O(n) to cut
        del self.items[:excess]
        # Sequence numbers are positions past the shard's start: the start moves with
        # the cut, so every record keeps its number (as DynamoDB trims after 24 hours).
        self.starting_sequence_number += excess
