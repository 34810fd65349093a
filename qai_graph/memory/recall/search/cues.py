"""The words in a question that hint at what kind of memory answers it (``ranking``)."""

from __future__ import annotations

INTERACTION_CUES = frozenset(
    [
        "ask",
        "asked",
        "asking",
        "asks",
        "say",
        "said",
        "says",
        "saying",
        "tell",
        "told",
        "telling",
        "mention",
        "mentioned",
        "talk",
        "talked",
        "answer",
        "answered",
        "reply",
        "replied",
        "question",
        "questions",
        "explain",
        "explained",
    ]
)
GENERAL_CUES = frozenset(
    [
        "chat",
        "people",
        "everyone",
        "everybody",
        "community",
        "usually",
        "common",
        "commonly",
        "most",
        "often",
        "viewers",
        "folks",
        "players",
        "typically",
        "generally",
        "always",
        "game",
        "mods",
        "stream",
        "we",
        "us",
        "our",
    ]
)
WHO_CUES = frozenset(
    ["who", "whos", "anyone", "anybody", "someone", "somebody", "which", "chatter", "viewer"]
)
SELF_CUES = frozenset(["i", "me", "my", "mine", "myself", "im", "ive"])
# "does X still ...", "X anymore?": the asker wants the current state, so an observation
# that records a change ("now ...", "no longer ...") outranks what it replaced, even in
# other words ("uses H properly now" for "still thinks hadamard is a not gate").
CURRENT_CUES = frozenset(["still", "anymore", "nowadays", "currently", "lately", "now", "ever"])
CHANGE_MARKERS = frozenset(
    ["now", "nowadays", "anymore", "longer", "finally", "stopped", "switched", "lately"]
)
