"""Is a formed sentence new, the same as something QAI already believes, or a change?

Rules (docs/formation.md):
- **Same** (reinforce): the words say the same (``meaning.same_meaning``: shared content
  words, same polarity), or the vectors are very close (cosine >= SAME_COSINE) while the
  words overlap at least SAME_COSINE_WORDS and the polarity agrees. The closest wins.
- **Change** (supersede): not the same, and ``meaning.contradicts`` says the new sentence
  reverses or replaces an older one on the same topic ("Ada is vegan now" after "Ada loves
  burgers"). Every older one it contradicts is superseded.
- Otherwise **new**.
Only live, unflagged, unhidden, unsuperseded observations of the same subject compete;
"live" is judged at the exchange's own time, so backfilled history replays as it happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from qai_graph.observers import meaning

SAME_COSINE = 0.92
SAME_COSINE_WORDS = 0.5


@dataclass(frozen=True)
class Known:
    """An observation formation may compare with: its id, text and vector."""

    observation_id: str
    content: str
    vector: npt.NDArray[np.float32] | None


@dataclass(frozen=True)
class Decision:
    """What to do with a formed sentence."""

    same_as: str | None = None  # reinforce this observation
    supersedes: tuple[str, ...] = ()  # mark these superseded by the new one


NEW = Decision()


def _cosine(a: npt.NDArray[np.float32] | None, b: npt.NDArray[np.float32] | None) -> float:
    if a is None or b is None or a.shape != b.shape:
        return 0.0
    return float(np.dot(a, b))


def decide(text: str, vector: npt.NDArray[np.float32] | None, known: Iterable[Known]) -> Decision:
    """Reinforce the closest observation that says the same, else supersede what the new
    sentence contradicts, else store it as new."""
    best: tuple[float, str] | None = None
    contradicted: list[str] = []
    for other in known:
        words = meaning.similarity(text, other.content)
        cosine = _cosine(vector, other.vector)
        same = meaning.same_meaning(text, other.content) or (
            cosine >= SAME_COSINE
            and words >= SAME_COSINE_WORDS
            and meaning.polarity(text) == meaning.polarity(other.content)
        )
        if same:
            score = words + cosine
            if best is None or score > best[0]:
                best = (score, other.observation_id)
        elif meaning.contradicts(text, other.content):
            contradicted.append(other.observation_id)
    if best is not None:
        return Decision(same_as=best[1])
    if contradicted:
        return Decision(supersedes=tuple(contradicted))
    return NEW
