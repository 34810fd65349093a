"""What one backfill run did: the CLI prints it, the service returns it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qai_graph.memory.backfill.lines import BadLine
from qai_graph.memory.formation import FormationReport


@dataclass
class BackfillReport:
    """Counts of one run. ``applied`` includes the lines past their TTL (``expired``):
    they count as interactions but are not stored; ``expired_formed`` of them still
    went to formation."""

    lines: int = 0  # good lines read
    applied: int = 0
    already_applied: int = 0  # an earlier run (or this file, twice) applied them
    expired: int = 0
    expired_formed: int = 0
    flagged: int = 0
    players_created: int = 0
    pending_formations: int = 0  # pending items written (formation's work)
    bad: list[BadLine] = field(default_factory=list)
    blank: int = 0
    seconds: float = 0.0
    formation: FormationReport | None = None  # what formation did by the end (form=True)

    @property
    def lines_per_second(self) -> float:
        """Good lines handled per second: until the last write and the formation made
        beside the writes, before the final drain (``seconds``)."""
        return (self.applied + self.already_applied) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One human line: what was applied, skipped, expired and bad."""
        text = (
            f"applied {self.applied} lines ({self.expired} past their TTL: not stored, "
            f"{self.expired_formed} of them formed), {self.already_applied} already applied, "
            f"{len(self.bad)} bad; {self.players_created} new players"
        )
        if self.formation is not None:
            f = self.formation
            text += (
                f"; formation: {f.exchanges} exchanges, {f.stored} observations stored, "
                f"{f.reinforced} reinforced, {f.promoted} promoted"
            )
        return text

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        out: dict[str, Any] = {
            "lines": self.lines,
            "applied": self.applied,
            "already_applied": self.already_applied,
            "expired": self.expired,
            "expired_formed": self.expired_formed,
            "flagged": self.flagged,
            "players_created": self.players_created,
            "pending_formations": self.pending_formations,
            "bad": [{"line": b.number, "reason": b.reason} for b in self.bad],
            "blank": self.blank,
            "seconds": round(self.seconds, 3),
        }
        if self.formation is not None:
            out["formation"] = {
                name: getattr(self.formation, name)
                for name in ("exchanges", "stored", "reinforced", "superseded", "promoted")
            }
        return out
