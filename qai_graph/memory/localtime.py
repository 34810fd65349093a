"""Times as QAI reads them: in the streamer's time zone (``QAI_MEMORY_TIMEZONE``).

Stored times stay UTC (ISO 8601 with ``Z`` in the table, ``DateTime`` over GraphQL,
datetimes in MCP's structured content); only the dates written into text for a model to
read (the prompt's memory lines, a player's summary, MCP text) are said in the zone, so
"2023-07-31" is the streamer's 31 July: the day their "yesterday" or "on 31 July" means,
read in the same zone (``recall.search.when``).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def day(when: datetime | None, zone: tzinfo = UTC) -> str:
    """``2026-12-01``: the day ``when`` fell on in ``zone`` ("" for None)."""
    return when.astimezone(zone).strftime("%Y-%m-%d") if when is not None else ""


def minute(when: datetime | None, zone: tzinfo = UTC) -> str:
    """``2026-12-01 14:03``: ``when`` on the wall clock of ``zone`` ("" for None)."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when is not None else ""
