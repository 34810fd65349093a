"""Which of the seed's categories a formed sentence belongs to, by cues, first match wins.

1. **preference**: the player likes, loves, hates, prefers, enjoys, adores, dislikes,
   can't stand, would rather, is into / a fan of / obsessed with something, or names a
   favourite ("Ada's favourite level is ...", "Bram is Ada's favourite streamer"). The
   verb must be the player's own: "Ada's sister loves dogs" is not Ada's preference.
2. **event**: something that happened or will happen, anchored in time: a dated time word
   (yesterday, today, tonight, tomorrow, last/next/this week..., "3 days ago", "on
   Saturday", "in April"); or a plan (going to, will, planning/hoping/about/wanting to,
   soon); or a life event as the player's verb (adopted, moved, graduated, started, quit,
   joined, bought, won, got, finished, beat, ...), or "just"/"finally"/"recently" with a
   past verb. A habit cue (rule 4) without a dated time word makes it a pattern instead.
3. **social**: family, friends, partner, roommate, classmates (a relation word), or the
   player's own team, band, crew, club, boss ("Ada's team"; not "the final boss").
4. **pattern**: a habit: always, usually, normally, mostly, often, regularly, whenever,
   every time, every day/morning/week/Sunday..., "3 times a week", "on Sundays", tends
   to, or "<player> never <verb>".
5. **behavioral**: everything else (skills, struggles, possessions, names, how they play).
"""

from __future__ import annotations

import functools
import re

from qai_graph.models import ObservationCategory

_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_UNITS = f"week|weekend|month|year|night|morning|afternoon|evening|summer|winter|spring|fall|autumn|semester|season|stream|{_DAYS}"  # noqa: E501
_NUMBER = "an?|one|two|three|four|five|six|seven|eight|nine|ten|few|couple\\s+of|several|\\d+"
_DATED = re.compile(
    rf"""\b(?:yesterday|today|tonight|tomorrow|earlier\s+today|the\s+other\s+day|
    (?:last|next|this|coming)\s+(?:{_UNITS})|(?:{_NUMBER})\s+(?:minutes?|hours?|days?|weeks?|
    months?|years?)\s+ago|on\s+(?:{_DAYS})|in\s+(?:{_MONTHS}))\b""",
    re.VERBOSE,
)
_PLAN = re.compile(
    r"""\b(?:is|are)\s+(?:\w+\s+)?going\s+to\b|\bwill\b|\bplan(?:s|ning)?\s+to\b|
    \babout\s+to\b|\bhop(?:es|ing)\s+to\b|\bwants?\s+to\b|\bintends?\s+to\b|\bsoon\b|
    \bis\s+(?:\w+\s+)?(?:getting|starting|moving|running|visiting|flying|leaving)\b""",
    re.VERBOSE,
)
_LIFE_VERBS = frozenset(
    """adopted moved married graduated started quit joined bought won lost passed failed
    broke visited retired died finished beat got turned went began completed met signed
    launched opened released left divorced proposed travelled traveled flew arrived
    returned enrolled applied earned hired fired promoted engaged""".split()  # noqa: SIM905 (a word list)
)
_RECENT = frozenset({"just", "finally", "recently"})
RELATIONS = re.compile(
    r"""\b(?:mom|mum|mother|mommy|dad|father|daddy|parents?|sister|brother|sis|bro|siblings?|
    cousins?|aunt|uncle|grandma|grandpa|grandmother|grandfather|grandparents?|granny|nan|
    sons?|daughters?|kids?|child|children|baby|family|wife|husband|girlfriend|boyfriend|
    partner|fianc[eé]e?|spouse|friends?|bestie|bff|roommates?|flatmates?|classmates?|
    teammates?|coworkers?|colleagues?|neighbou?rs?|niece|nephew|twins?|youngest|
    oldest|guild|clan)\b""",
    re.VERBOSE,
)
# Words that name people only as the player's own ("Ada's team", not "the final boss").
_OWN_RELATIONS = "boss|team|squad|crew|band|club|group"
_HABIT = re.compile(
    rf"""\b(?:always|usually|normally|typically|generally|mostly|often|regularly|constantly|
    whenever|every\s+time|each\s+time|every\s+(?:day|night|morning|evening|week|weekend|
    month|year|{_DAYS}|summer|winter)|(?:{_NUMBER}|once|twice)\s+(?:times?\s+)?a\s+(?:day|week|
    month|year)|on\s+(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|
    weekends)|tends?\s+to)\b""",
    re.VERBOSE,
)
_LIKES = (
    r"(?:loves?|likes?|hates?|prefers?|enjoys?|adores?|dislikes?|detests?|despises?|"
    r"can't\s+stand|cannot\s+stand|would\s+rather|is\s+(?:\w+\s+)?(?:into|obsessed\s+with|"
    r"crazy\s+about|(?:a\s+)?(?:\w+\s+)?fan\s+of))\b"
)


_BETWEEN = (
    r"(?:(?:really|just|absolutely|also|still|kinda|totally|actually|so|truly|genuinely|"
    r"secretly|definitely|honestly|seriously|especially|mostly|sometimes|now|only|always|"
    r"usually|never|do|does|doesn't|not|no\s+longer|used\s+to|would|'d|can't|cannot)\s+)"
)


@functools.lru_cache(maxsize=4096)
def _about(name: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns that name the player (lower case), compiled once per name: re's own
    cache holds 512, which a backfill of a few hundred players cycles through."""
    who = re.escape(name)
    return (
        re.compile(rf"(?:^|[\s,]){who}\s+{_BETWEEN}{{0,3}}{_LIKES}"),
        re.compile(rf"{who}'s\s+(?:[\w']+\s+)?favou?rite\b"),
        re.compile(rf"(?:^|\s){who}\s+never\s+\w"),
        re.compile(rf"{who}'s\s+(?:[\w']+\s+)?(?:{_OWN_RELATIONS})\b"),
    )


def _preference(text: str, name: str) -> bool:
    likes, favourite, _, _ = _about(name.lower())
    return bool(likes.search(text) or favourite.search(text))


def category(
    text: str, name: str, verb: str | None, original: tuple[str, ...]
) -> ObservationCategory:
    """The category of a formed sentence (module docstring). ``verb`` is the player's
    verb as formed; ``original`` the sentence's lower-cased words before the rewrite."""
    low = text.lower()
    if _preference(low, name):
        return ObservationCategory.PREFERENCE
    _, _, never, own = _about(name.lower())
    habit = bool(_HABIT.search(low)) or bool(never.search(low))
    dated = bool(_DATED.search(low))
    recent = (
        bool(_RECENT & set(original))
        and verb is not None
        and verb in _LIFE_VERBS | {v for v in (verb,) if v.endswith("ed")}
    )
    happened = bool(_PLAN.search(low)) or (verb in _LIFE_VERBS) or recent
    if dated or (happened and not habit):
        return ObservationCategory.EVENT
    if RELATIONS.search(low) or own.search(low):
        return ObservationCategory.SOCIAL
    if habit:
        return ObservationCategory.PATTERN
    return ObservationCategory.BEHAVIORAL
