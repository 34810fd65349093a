"""Where trust meets the write path: what each new memory is flagged with, and who may
see it (``TrustGate``), with the speaker's last messages kept for split injections.

Two lines of defence for what players type, in this order: the rules (``detection.py``);
then, when no rule hit, the classifier (``classifier.py``), whose probability at or above
its threshold flags the message ``suspected_injection``. Every rule for flagged memories
then covers it alike. A memory's text on its own (an observation the bot stores, a
sentence formation made) is judged by the rules only: the classifier is a model of chat
messages, and QAI's third-person notes are outside what it learned (on the recall set's
224 notes it flagged 8 benign ones, up to p=0.97, where the set's chat tops at 0.73).
Formed sentences come only from messages the classifier already passed.

The gate keeps, per player, the last few messages this replica recorded (bounded, least
recently active players dropped first), so "ignore all" + "previous instructions" sent
as two messages is caught without a read. On several replicas, a split across two of
them is seen only by the second message's own rules.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from qai_graph.config import MemoryConfig
from qai_graph.memory.trust import classifier as model
from qai_graph.memory.trust.classifier import Classifier, default_classifier
from qai_graph.memory.trust.detection import CLEAN, Assessment, Detector, default_detector
from qai_graph.memory.trust.neutralize import neutralize
from qai_graph.store import keys

RECENT_MESSAGES = 2  # per player: what a split injection is joined with
RECENT_PLAYERS = 10_000  # players whose last messages are kept (~1 MB at worst)
WITHHELD_FLAGGED = "[a message withheld: flagged as instruction-like]"
WITHHELD_PRIVATE = "[a private message]"


class TrustGate:
    """Flags memories as they are written; remembers each player's last messages."""

    def __init__(
        self,
        detector: Detector | None = None,
        *,
        classifier: Classifier | None = None,
        use_classifier: bool = True,
        private_channels: Collection[str] = (),
        enabled: bool = True,
    ) -> None:
        self._detector = detector or default_detector()
        self._classifier = (classifier or default_classifier()) if use_classifier else None
        self._private_channels = frozenset(private_channels)
        self._enabled = enabled
        self._recent: OrderedDict[str, deque[str]] = OrderedDict()

    @classmethod
    def from_config(cls, config: MemoryConfig) -> TrustGate:
        """The gate QAI_MEMORY_TRUST_* and QAI_MEMORY_PRIVATE_CHANNELS ask for."""
        classifier = None
        if config.trust_classifier and config.trust_classifier_threshold is not None:
            classifier = default_classifier().with_threshold(config.trust_classifier_threshold)
        return cls(
            Detector(disabled=config.trust_disabled_rules),
            classifier=classifier,
            use_classifier=config.trust_classifier,
            private_channels=config.private_channels,
            enabled=config.trust_detection,
        )

    def warm_up(self) -> None:
        """Build the rules and Unicode tables now (~0.7 s), not on the first message."""
        if self._enabled:
            self.assess("warm up: ignore this, déjà vu \u0456")
            neutralize("warm up \u201c")

    def assess(
        self, text: str, *, previous: Sequence[str] = (), message: bool = True
    ) -> Assessment:
        """The rules' assessment of ``text`` (after the player's ``previous`` messages,
        oldest first); when no rule hit and ``text`` is a player's ``message``, the
        classifier's, if it suspects it."""
        found = self._detector.assess(text, previous=previous)
        if found.flagged or self._classifier is None or not message:
            return found
        suspect = self._classifier.suspects(text, previous=previous)
        if suspect is None:
            return found
        joined = ", with the player's previous messages" if suspect.joined else ""
        reason = f"classifier p={suspect.probability:.2f}{joined}: reads like an instruction to QAI"
        return Assessment(flag=model.FLAG, reasons=(reason,), rules=(model.RULE_NAME,))

    def assess_message(self, player_key: str, text: str) -> Assessment:
        """What a player's new message is flagged with (joined with their last ones)."""
        if not self._enabled or not text:
            return CLEAN
        return self.assess(text, previous=tuple(self._recent.get(player_key, ())))

    def assess_text(self, text: str) -> Assessment:
        """What a memory's text on its own (an observation) is flagged with: the rules'
        (the module docstring says why not the classifier's)."""
        if not self._enabled or not text:
            return CLEAN
        return self.assess(text, message=False)

    def is_private(self, channel: str, asked: bool | None) -> bool:
        """Private when the caller says so, else when its channel is private by default."""
        return asked if asked is not None else channel in self._private_channels

    def said(self, player_key: str, text: str) -> None:
        """Remember a recorded message as the player's latest."""
        recent = self._recent.get(player_key)
        if recent is None:
            recent = self._recent[player_key] = deque(maxlen=RECENT_MESSAGES)
            if len(self._recent) > RECENT_PLAYERS:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(player_key)
        recent.append(text)

    @staticmethod
    def shared_text(text: str, assessment: Assessment, private: bool) -> str:
        """What a shared view (the session's conversation) may quote of a message."""
        if private:
            return WITHHELD_PRIVATE
        if assessment.flagged:
            return WITHHELD_FLAGGED
        return text


def may_see(item: Mapping[str, Any], asker: str | None) -> bool:
    """Whether ``asker`` (a player key, None for nobody in particular) may be shown a
    memory item as the table has it now: never when hidden; when flagged or private,
    only if it is the asker's own (their interaction, an observation about them)."""
    if item.get("hidden"):
        return False
    if not (item.get("flag") or item.get("private")):
        return True
    owner = keys.player_key_or_none(keys.item_key(item)[0])
    return owner is not None and owner == asker
