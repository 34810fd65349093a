"""Trust: chat is data. Detection of instruction-like chat and spotlighting helpers.

Pure functions, no I/O: ``assess`` flags a message when it is written (detection.py;
rules in english.py + signals.py, languages.py + foreign.py and formats.py; their table
in docs/trust.md). ``neutralize`` and ``data_section`` quote chat inside the prompt's
delimited data section (neutralize.py); ``gate.TrustGate`` is where the write path
meets them.
"""

from qai_graph.memory.trust.detection import Assessment, Detector, assess, default_detector
from qai_graph.memory.trust.neutralize import DATA_CLOSE, DATA_OPEN, data_section, neutralize
from qai_graph.memory.trust.rule import Rule
from qai_graph.memory.trust.rules import DEFAULT_RULES, FLAGS

__all__ = [
    "DATA_CLOSE",
    "DATA_OPEN",
    "DEFAULT_RULES",
    "FLAGS",
    "Assessment",
    "Detector",
    "Rule",
    "assess",
    "data_section",
    "default_detector",
    "neutralize",
]
