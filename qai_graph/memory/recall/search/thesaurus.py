"""A small domain thesaurus: quantum computing, the game, and Twitch chat.

Each group lists phrases that mean the same thing to QAI's players. A query that contains
one phrase of a group is expanded with the others (at a lower weight), so "two-qubit
gate" finds "CNOT" and "fridge" finds "cryostat". Groups are general vocabulary of the
domain, never written for one memory or one question.
"""

from __future__ import annotations

GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "cnot",
        "cx",
        "controlled not",
        "controlled-not",
        "two-qubit gate",
        "two qubit gate",
        "entangling gate",
    ),
    ("control", "target", "control and target", "direction"),
    ("toffoli", "ccnot", "controlled controlled not"),
    ("hadamard", "h gate", "superposition gate"),
    ("pauli x", "x gate", "not gate", "bit flip"),
    ("pauli z", "z gate", "phase flip"),
    ("s gate", "t gate", "phase gate", "quarter turn", "eighth turn"),
    ("measure", "measurement", "meter", "readout", "collapse"),
    ("basis", "x basis", "z basis", "computational basis"),
    ("cryostat", "fridge", "dilution refrigerator", "refrigerator", "cooling", "millikelvin"),
    ("bell pair", "bell state", "entangled pair", "epr pair", "bell"),
    ("entanglement", "entangled", "entangle", "spooky action"),
    ("ghz", "ghz state", "three qubit entanglement", "greenberger"),
    ("teleport", "teleportation", "teleporting", "teleported"),
    ("qft", "quantum fourier transform", "fourier transform", "fourier"),
    ("grover", "grover search", "amplitude amplification", "grover iterations", "search"),
    ("shor", "factoring", "period finding", "shor algorithm"),
    ("deutsch jozsa", "deutsch", "jozsa", "balanced function", "constant function", "oracle"),
    ("phase kickback", "kickback", "phase kick"),
    ("bloch sphere", "bloch", "sphere"),
    ("superposition", "both at once", "zero and one"),
    ("decoherence", "noise", "error", "errors", "cosmic rays", "radiation"),
    ("error correction", "qec", "surface code", "repetition code", "logical qubit"),
    ("no cloning", "no-cloning", "cloning", "copy", "copy a qubit", "clone"),
    ("schrodinger", "schrödinger", "cat", "kitty", "dead or alive", "dead-or-alive"),
    ("fidelity", "accuracy", "precision"),
    ("speedrun", "speed run", "record", "fastest", "world record", "personal best", "pb"),
    ("leaderboard", "ranking", "rankings", "standings", "high score"),
    ("level", "puzzle", "stage", "challenge", "chapter"),
    ("stuck", "struggle", "struggles", "trouble", "confused", "confuses", "mix up", "fail"),
    ("wiki", "guide", "docs", "documentation", "cheat sheet", "notes"),
    ("bug", "glitch", "broken", "bug report", "exploit"),
    ("emote", "emotes", "spam", "emoji"),
    ("celebrate", "celebration", "hype", "cheer", "pog", "gg"),
    ("stream", "broadcast", "live", "vod"),
    ("discord", "server"),
    ("mod", "mods", "moderator", "moderators"),
    ("raid", "raids", "raiding"),
    ("sub", "subs", "subscribe", "subscriber", "gift sub", "gifted"),
    ("lore", "story", "backstory", "theory"),
    ("help", "helps", "helpful", "explain", "explains", "teach", "teaches", "mentor", "newcomer"),
    ("real quantum computer", "real hardware", "ibm", "simulator", "real machine"),
    ("qubit", "qubits", "quantum bit"),
    ("circuit", "circuits", "gate sequence"),
    ("rotation", "rotate", "phase", "angle"),
    ("random", "coin", "coin flip", "coin flipper", "random number"),
)
