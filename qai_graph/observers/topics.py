"""Words to compare sentences by: a light stemmer, synonyms, and the topic lexicon.

- ``stem(word)``: lower case, possessive and one suffix off (-ies/-ied -> y, -ing, -ed,
  -es, -s, then a final -e), irregular pasts to their base (went -> go), then a small
  synonym table (love/adore/enjoy/prefer/favourite -> like, dislike/detest -> hate,
  suck/terrible/awful -> bad, mum/mother -> mom, called/named -> name, two -> 2, ...).
- ``TOPICS``: coarse topic -> words (diet, pet, family, relationship, friends, job,
  school, home, language, travel, health, hobby, input, device, ui, play, game). A word
  of a topic gives the coarse key ("pet") and a fine one ("pet:dog"); game words give
  only the fine key ("game:bell": every observation is about the game).
- ``PHRASES``: multi-word cues of a topic ("lives in" -> home, "works at" -> job,
  "is from" -> origin, "dark mode" -> ui).
- ``EXCLUSIVE``: topics that hold one value at a time (what one eats, where one lives,
  one's job, school, partner, input device, theme): a stated change on one of them
  replaces what was said before; on the others (hobbies, pets, family) it does only when
  both sentences name the same thing.
"""

from __future__ import annotations

import re
from functools import cache

from qai_graph.observers.lexicon import PAST_TO_BASE

_SYNONYMS = {
    "like": "like",
    "love": "like",
    "adore": "like",
    "enjoy": "like",
    "prefer": "like",
    "favourite": "like",
    "favorite": "like",
    "fav": "like",
    "fan": "like",
    "hate": "hate",
    "dislike": "hate",
    "detest": "hate",
    "despise": "hate",
    "loathe": "hate",
    "suck": "bad",
    "terrible": "bad",
    "awful": "bad",
    "horrible": "bad",
    "mom": "mom",
    "mum": "mom",
    "mother": "mom",
    "mommy": "mom",
    "dad": "dad",
    "father": "dad",
    "daddy": "dad",
    "grandma": "grandma",
    "grandmother": "grandma",
    "granny": "grandma",
    "nan": "grandma",
    "grandpa": "grandpa",
    "grandfather": "grandpa",
    "kid": "kid",
    "child": "kid",
    "children": "kid",
    "called": "name",
    "call": "name",
    "named": "name",
    "name": "name",
    "mobile": "phone",
    "cellphone": "phone",
    "muted": "mute",
    "teleportation": "teleport",
    "measurement": "measur",
    "entangle": "entanglement",
    "entangled": "entanglement",
    "bro": "brother",
    "sis": "sister",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "ninety": "90",
    "hundred": "100",
    "lvl": "level",
}
TOPICS: dict[str, str] = {
    "diet": """vegan vegetarian veggie pescatarian keto meat steak burger pizza food eat
        cook cooking chicken beef pork bacon sushi pasta salad dairy cheese dessert
        chocolate candy sweets pineapple tuna meal diet gluten lactose spicy curry taco
        noodle ramen fries wings vegetable fruit""",
    "pet": """pet cat kitten kitty dog puppy pup hamster rabbit bunny parrot bird fish
        turtle snake lizard gecko horse pony ferret vet""",
    "family": """mom dad parent sister brother sibling cousin aunt uncle grandma grandpa
        grandparent son daughter kid baby family niece nephew twin youngest oldest""",
    "relationship": """girlfriend boyfriend partner wife husband fiance fiancee married
        marry wedding engaged dating single divorce divorced crush spouse relationship
        breakup ex""",
    "friends": """friend bestie roommate flatmate classmate teammate coworker colleague
        neighbour neighbor guild clan squad""",
    "job": """job career boss office shift nurse teacher engineer developer programmer
        doctor lawyer barista cashier chef baker bakery intern internship hired fired
        employer salary retired retire unemployed bank waiter waitress mechanic
        electrician accountant manager designer scientist researcher professor
        firefighter police pilot farmer""",
    "school": """school college university uni exam homework student grade semester course
        degree graduate graduated kindergarten major thesis lecture campus phd""",
    "home": "apartment house rent landlord neighbourhood neighborhood",
    "language": """korean japanese spanish french german english portuguese chinese
        mandarin italian russian arabic hindi language dutch swedish polish turkish""",
    "travel": "trip travel vacation holiday visit flight abroad tour",
    "health": """sick ill hospital surgery injury injured wrist leg broken covid flu
        allergic allergy asthma therapy therapist medication pain migraine recovery health""",
    "hobby": """paint painting draw drawing guitar piano sax saxophone drums violin music
        jazz band concert gig dance dancing sing singing choir pottery knit knitting
        crochet hike hiking camp camping climb climbing swim swimming run running marathon
        gym yoga chess read reading book novel photography skate skateboard skateboarding
        surf surfing garden gardening stream streaming astronomy telescope lego anime manga
        movie film cosplay soccer football basketball tennis volleyball baseball hockey
        cycling bike craft sew sewing""",
    "input": "controller keyboard mouse gamepad joystick touchscreen",
    "device": "phone pc laptop console tablet headphones monitor",
    "play": "mute sound hint speedrun cutscene difficulty",
    "game": """bell teleport grover shor qft ghz cnot hadamard phase measur superposition
        entanglement bloch deutsch tutorial fidelity qubit interference circuit campaign
        raid""",
}
PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "home",
        re.compile(r"\b(?:lives?|living|moved|moving|move)\s+(?:in|to|with|here|out|back|away)\b"),
    ),
    ("job", re.compile(r"\b(?:works?|working|worked)\s+(?:at|as|for|in\s+a)\b|\bnew\s+job\b")),
    (
        "origin",
        re.compile(
            r"\b(?:is|are|was|comes?)\s+(?:originally\s+)?from\b|\bborn\s+in\b|\bgrew\s+up\b"
        ),
    ),
    ("ui", re.compile(r"\b(?:dark|light)\s+(?:mode|theme)\b|\btheme\b")),
    ("school", re.compile(r"\bhigh\s+school\b|\bnew\s+school\b")),
    ("hobby", re.compile(r"\bboard\s+games?\b|\bswim\s+team\b")),
)
EXCLUSIVE = frozenset({"diet", "relationship", "job", "school", "home", "input", "ui"})
# Nouns too general to name what a like/hate statement is about ("the hadamard gate").
GENERIC = frozenset(
    """gate level puzzle game mode one stuff thing part bit kind sort lot type""".split()  # noqa: SIM905 (a word list)
)
# Fine keys too general to say two sentences name the same thing ("job:job").
GENERAL_KEYS = frozenset(
    """job school food eat meal diet pet family language health""".split()  # noqa: SIM905 (a word list)
)
_DOUBLED_KEEP = frozenset("lsz")


def _suffix(w: str) -> str:
    if len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
        if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in _DOUBLED_KEEP:
            w = w[:-1]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
        if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in _DOUBLED_KEEP:
            w = w[:-1]
    elif len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@cache
def _synonyms() -> dict[str, str]:
    table = dict(_SYNONYMS)
    table.update({_suffix(word): value for word, value in _SYNONYMS.items()})
    # a canonical form maps to itself, however it is spelled ("phone", "phones")
    table.update({_suffix(value): value for value in _SYNONYMS.values()})
    table.update({value: value for value in _SYNONYMS.values()})
    return table


@cache
def stem(word: str) -> str:
    """The comparable form of a word (module docstring)."""
    w = word.lower().removesuffix("'s").strip("'")
    w = PAST_TO_BASE.get(w, w)
    synonyms = _synonyms()
    if w in synonyms:
        return synonyms[w]
    w = _suffix(w)
    return synonyms.get(w, w)


@cache
def generic() -> frozenset[str]:
    """GENERIC, stemmed."""
    return frozenset(stem(word) for word in GENERIC)


@cache
def topic_of() -> dict[str, str]:
    """Stemmed topic word -> its topic."""
    return {stem(word): topic for topic, words in TOPICS.items() for word in words.split()}
