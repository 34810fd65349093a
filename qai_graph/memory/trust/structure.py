"""Shapes of machine text a player has no reason to type (added after red-team round 7,
docs/trust.md): each imitates what a model reads as its own context, not as chat.

    rule         flag            view    technique
    tool-call    fake_authority  latin   tool and function calls: <tool_call>, function_call:,
                                         {"name": ..., "arguments": ...}, update_memory(...)
    hidden-markup fake_authority latin   text hidden from a reader: markdown comments
                                         ([//]: # (...)), HTML comments, hidden HTML elements
    config-line  fake_authority  latin   settings typed as config or a log line: safety=off,
                                         "restrictions": "none", trusted_user=x, a log level
                                         line that reloads a policy
    fake-boundary fake_authority latin   a faked end or start of the context: "--- END OF
                                         CHAT LOG ---", "[end of user input]"

Judged in their own message (``spans`` false), like the other formats.
"""

from __future__ import annotations

from qai_graph.memory.trust.rule import rule, words

_Q = "[\"'\u201c\u201d]"  # a JSON quote, as typed or as a phone types it

TOOL_CALL = rule(
    "tool-call",
    "fake_authority",
    "imitates a tool or function call",
    r"<\W{0,2}/?(?:tool|function)[_\s-]?(?:calls?|use|results?|response|output|invocation)\b",
    r"\b(?:function|tool)[_\s-]?(?:calls?|use|invocation)s?\s*[:=({]",
    rf"{_Q}(?:name|tool|function|tool_name){_Q}\s*:\s*{_Q}[\w.-]+{_Q}\s*,\s*{_Q}(?:arguments|args"
    rf"|parameters|params|input){_Q}\s*:",
    # a call that changes QAI's memory or rules: update_memory({...}), set_rules(...)
    r"\b(?:update|set|write|save|add|delete|remove|edit|patch|store|override)[_\s-]?(?:memory"
    r"|memories|rules?|polic(?:y|ies)|config|settings|facts?|prompt|system[_\s-]?prompt"
    r"|instructions|permissions?|roles?|beliefs?)\s*\(\s*[{\[\"'\w]",
    view="latin",
    spans=False,
)

HIDDEN_MARKUP = rule(
    "hidden-markup",
    "fake_authority",
    "hides text in markup a reader does not see",
    # (the views cut a run of punctuation to its ends: "[//]: # (" reads "[//]# (")
    r"\[(?://|comment|_|#|hidden)\]\W{0,4}[#<(]",
    r"<!--[^\n]{0,200}?[a-z]{3}",
    r"<\w+[^>\n]{0,80}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0"
    r"|opacity\s*:\s*0\b|\bhidden\b)",
    view="latin",
    spans=False,
)

# Settings that turn QAI's safety off, typed as config or JSON.
_SAFETY_KEY = words(
    r"safety|safe[_\s-]?mode|restrictions?|filters?|filtering|moderation|censorship|guardrails"
    r"|content[_\s-]?(?:filter|policy)|polic(?:y|ies)|rules|limits|alignment|refusals?"
)
_OFF = words(r"none|off|false|0|disabled|null|unlimited|unrestricted|removed|no\b|nil")
# Settings that hand someone control, whatever their value.
_CONTROL_KEY = words(
    r"trusted[_\s-]?users?|obey|admin[_\s-]?users?|superuser|allow[_\s-]?all|jailbreak"
    r"|jailbroken|dev[_\s-]?mode|god[_\s-]?mode|admin[_\s-]?mode|unrestricted|uncensored"
    r"|owner[_\s-]?override|max[_\s-]?tokens|top[_\s-]?p|presence[_\s-]?penalty"
    r"|frequency[_\s-]?penalty"
)
_LEVEL = words(r"info|warn|warning|debug|error|notice|trace|fatal|critical|audit")

CONFIG_LINE = rule(
    "config-line",
    "fake_authority",
    "sets QAI's safety as a config or log line",
    rf"\b{_SAFETY_KEY}\s*=\s*{_Q}?{_OFF}",
    rf"{_Q}{_SAFETY_KEY}{_Q}\s*:\s*{_Q}?{_OFF}",
    rf"\b{_CONTROL_KEY}\s*=\s*{_Q}?\w+",
    rf"{_Q}{_CONTROL_KEY}{_Q}\s*:\s*{_Q}?\w+",
    # a log line that changes the policy: "INFO qai.policy reloaded", "[WARN] filters disabled"
    rf"^\W{{0,3}}(?:\d[\d:tz.\-/\s]{{6,30}}\W{{0,3}})?\[?{_LEVEL}\]?\b[^\n]{{0,60}}?\b(?:polic\w*"
    r"|safety|restrictions?|filters?|moderation|guardrails|prompt|permissions?|trusted\w*"
    r"|roles?)\b[^\n]{0,30}?\b(?:reloaded|updated|changed|disabled|enabled|granted|removed"
    r"|overridden|lifted|set to|cleared|reset)\b",
    view="latin",
    spans=False,
)

FAKE_BOUNDARY = rule(
    "fake-boundary",
    "fake_authority",
    "fakes the end or start of QAI's context",
    r"(?:[-=*#<\[(|~_]{2,}|[\[<(])\s*(?:end|start|beginning|begin|close) of (?:the )?(?:chat ?log"
    r"|log|conversation|transcript|user (?:input|message|turn)|context|prompt|instructions"
    r"|system (?:prompt|message)|chat history|history|document|data|untrusted (?:input|data))\b",
    view="latin",
    spans=False,
)

RULES = (TOOL_CALL, HIDDEN_MARKUP, CONFIG_LINE, FAKE_BOUNDARY)
