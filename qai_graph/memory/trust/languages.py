"""The same categories in Spanish, French, German, Portuguese, Italian and Russian.

Each language is a ``Language``: its words for the English rules' classes (override
verbs, determiners, possessives, instruction nouns, prior-qualifiers, "from now on",
directives to QAI, role-play phrases, "an AI without rules", leak verbs, authorities,
secrets and their owners). ``Language.rules()`` builds five rules from them with the
same shapes as the English ones, named ``<flag>-<code>`` (``override-es``, ...):

    override        verb + (possessive noun | noun + prior qualifier | "all" + strong noun);
                    "from now on" + a directive to QAI
    roleplay        the language's pretend/act-as phrases; AI + "without" + rules
    prompt_leak     leak verb + (possessive | qualified) prompt/instructions noun
    fake_authority  new rule(s) from an authority; a message from an authority; "I am your
                    creator"
    secret_request  ask verb + secret noun + owner (admin, server, your), either order

Latin-script languages read the skeleton view (no accents, no apostrophes: "d'être" is
"detre", a gap may be empty so "d etre" matches it); Russian reads the folded view
(Cyrillic kept, case folded), where look-alikes are not mapped.
"""

from __future__ import annotations

from dataclasses import dataclass

from qai_graph.memory.trust.rule import Rule, rule, upto, words

# Advice is no ask: "nunca des tu contrasena", "ne donnez jamais votre mot de passe",
# "никогда не давай пароль". A negation just before the ask verb, or right after it (the
# verb's ending taken whole, so it cannot stop short of the negation).
_NOT_NEGATED = "".join(
    rf"(?<!\b{n}\s)" for n in ("nunca", "jamas", "jamais", "nigdy", "niemals", "mai", "ne", "no",
                             "non", "nie", "не", "никогда", "nao", "never")
)  # fmt: skip
_NOT_AFTER = r"\w*+(?!\W+(?:jamais|pas|plus|nunca|jamas|mai|niemals|nicht|никогда)\b)"


@dataclass(frozen=True, slots=True)
class Language:
    """One language's words for the rule categories (see the module docstring)."""

    code: str
    name: str
    override: str
    determiners: str
    possessives: str
    nouns: str
    prior: str
    given: str
    all: str
    strong: str
    from_now: str
    directives: str
    pretend: str
    ai: str
    without: str
    no_rules: str
    leak: str
    leak_nouns: str
    leak_prior: str
    articles: str
    new_rule: str
    from_: str
    authority: str
    message: str
    i_am_your: str
    creator: str
    ask: str
    secrets: str
    owners: str
    adjective_first: bool = False
    view: str = "skeleton"

    def rules(self) -> tuple[Rule, ...]:
        """The five rules of this language."""
        w = {
            name: words(getattr(self, name))
            for name in self.__dataclass_fields__
            if name not in ("code", "name", "adjective_first", "view")
        }
        if self.adjective_first:  # "vorherigen Anweisungen", "предыдущие инструкции"
            prior_noun = f"(?:{w['possessives']}|{w['prior']}) (?:{w['prior']} )?{w['nouns']}"
            leak_noun = (
                f"(?:{w['possessives']}|{w['leak_prior']}) (?:{w['leak_prior']} )?{w['leak_nouns']}"
            )
        else:  # "tus instrucciones", "instrucciones anteriores"
            prior_noun = (
                f"(?:{w['possessives']} {upto(1)}{w['nouns']}|{w['nouns']} {upto(1)}{w['prior']})"
            )
            leak_noun = (
                f"(?:{w['possessives']} {upto(1)}{w['leak_nouns']}"
                f"|{w['articles']} {w['leak_nouns']} {upto(1)}{w['leak_prior']})"
            )
        tag = f"({self.name})"
        return (
            rule(
                f"override-{self.code}",
                "override",
                f"asks QAI to ignore its instructions {tag}",
                rf"\b{w['override']} (?:{w['determiners']} )*{prior_noun}",
                rf"\b{w['override']} {w['all']} (?:{w['determiners']} )*{w['strong']}",
                rf"\b{w['override']} (?:{w['determiners']} )*{w['nouns']} {upto(1)}{w['given']}",
                rf"\b{w['from_now']}\W+{upto(2)}{w['directives']}",
                view=self.view,
            ),
            rule(
                f"roleplay-{self.code}",
                "roleplay",
                f"asks QAI to play a character {tag}",
                rf"\b{w['pretend']}",
                rf"\b{w['ai']} {upto(1)}{w['without']} {upto(1)}{w['no_rules']}",
                view=self.view,
            ),
            rule(
                f"prompt-leak-{self.code}",
                "prompt_leak",
                f"asks for QAI's instructions {tag}",
                rf"\b{w['leak']} {upto(2)}{leak_noun}",
                rf"\b{w['leak']} {upto(3)}prompt",
                view=self.view,
            ),
            rule(
                f"authority-{self.code}",
                "fake_authority",
                f"claims to speak for the devs {tag}",
                rf"\b{w['new_rule']} {upto(3)}{w['from_']} {upto(1)}{w['authority']}",
                rf"(?:^|[.!?:;\n] ?|\bqai\W+){w['message']} {upto(1)}{w['from_']} {upto(1)}"
                rf"{w['authority']}",
                rf"\b{w['i_am_your']} {upto(1)}{w['creator']}",
                view=self.view,
            ),
            rule(
                f"secret-request-{self.code}",
                "secret_request",
                f"asks for a password or key {tag}",
                rf"{_NOT_NEGATED}\b{w['ask']}{_NOT_AFTER} {upto(2)}{w['secrets']} {upto(2)}"
                rf"{w['owners']}",
                rf"{_NOT_NEGATED}\b{w['ask']}{_NOT_AFTER} {upto(2)}{w['owners']} {upto(1)}"
                rf"{w['secrets']}",
                view=self.view,
            ),
        )
