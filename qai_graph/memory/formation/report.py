"""What a formation run did (counts), for the worker, backfill and consolidation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FormationReport:
    """What one formation run did."""

    exchanges: int = 0
    stored: int = 0
    reinforced: int = 0
    superseded: int = 0
    promoted: int = 0
    skipped: int = 0  # formed sentences dropped (flagged, too short)

    def add(self, other: FormationReport) -> None:
        """Add another run's counts to this one."""
        for name in ("exchanges", "stored", "reinforced", "superseded", "promoted", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
