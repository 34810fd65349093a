"""Rules for shapes that need no language: role tags, secrets, links.

    rule              view    what hits
    authority-tag     latin   a role tag or log line a player cannot own: "[SYSTEM]",
                              "<system>", "[mod]", "### system", "<|im_start|>", "[INST]",
                              "ADMIN: ..." at the start of a line, a fake assistant turn
                              ("QAI: Sure! ...")
    credential-token  plain   token formats: OpenAI/Anthropic sk-, GitHub ghp_/github_pat_,
                              AWS AKIA..., Google AIza..., Slack xox?-, Stripe, JWT, PEM
                              private keys, Twitch oauth:, Bearer; a 32+ character token
                              mixing upper case, lower case and digits
    credential-value  latin   a secret's value stated: "password: X", "api key = X";
                              "password is X" when X looks like a secret (a digit, a
                              symbol, quotes) or the secret has an owner ("the admin
                              password is X"); in the seven languages ("la contraseña es
                              X", "пароль: X"); "is" + a description ("is the first 4
                              digits of pi", "is wrong") is not a value
    link              latin   a URL (also hxxp and spaced slashes), www. (also "www . x"), a
                              bare domain with a common TLD (evil.com/x, also evil[.]com,
                              evil(dot)com), a markdown link, an IPv4 address

The views are case-folded but ``plain``: token formats need case (AKIA...).
"""

from __future__ import annotations

from qai_graph.memory.trust.lexicon import OWNER_NAMES
from qai_graph.memory.trust.rule import alt, rule, words
from qai_graph.memory.trust.stakes import AUTHORITY_STAKES

# The colon tags: a line that starts with one claims to be that role speaking.
_ROLE = words(
    "system|sys|admin|administrator|mod|moderator|dev|developer|devs|staff|operator|root"
    "|owner|assistant|automod|nightbot|streamelements|moobot|fossabot|twitch|openai|anthropic"
    "|security|console|kernel|announcement|notice|official|server"
)
_TAG = words(
    "system|sys|sysmsg|admin|administrator|mod|moderator|dev|developer|devs|staff|official"
    "|operator|root|owner|security|alert|notice|announcement|important|urgent|inst|override"
    "|broadcaster|streamer|qai|assistant|twitch|automod|nightbot|priority|user|instructions?"
    "|new instructions?|rules?|end of (?:prompt|instructions|context|user input)"
)
_TAG_TAIL = (
    r"(?:[\s_-]?(?:message|msg|note|notice|override|alert|update|mode|instructions?|prompt"
    r"|input|log|team))?"
)

AUTHORITY_TAGS = rule(
    "authority-tag",
    "fake_authority",
    "imitates a system, mod or log line",
    # [SYSTEM], <system>, {admin}, |mod|, [/INST], [end of prompt]; not the tag named as
    # a thing ("the <admin> tag next to names", "a [mod] badge")
    rf"(?<!\bthe\W)(?<!\ba\W)(?<!\bthat\W)(?<!\bthis\W)[\[<{{|]{{1,3}}\W{{0,2}}/?{_TAG}{_TAG_TAIL}"
    r"\W{0,2}[\]>}|](?! (?:tag|tags|badge|badges|icon|icons|label|labels|prefix|emote|title"
    r"|marker|thing|chat badge)\b)",
    # (system), (mod note): round brackets only for the roles, "(start)" is a game button
    r"\(\W{0,2}(?:system|sys|admin|administrator|mod|moderator|dev team|developer|devs|staff"
    rf"|official|operator){_TAG_TAIL}\W{{0,2}}\)",
    # ADMIN: / [mod] at the start of a line
    rf"^\W{{0,4}}(?:\d{{1,2}}:\d\d(?::\d\d)?\W{{1,3}})?{_ROLE}{_TAG_TAIL}\s*(?::|>|\||->|=>|\]"
    r"|-\s|[*=~!#-]{2,})",
    # a log's own tag: "(internal log)", "[debug note]"
    r"[(\[]\W{0,2}(?:internal|debug|audit|server|system|admin|mod|dev|security|backend)"
    r"[\s_-]?(?:log|logs|note|notes|message|msg|notice|memo|event)\W{0,2}[)\]]",
    view="latin",
    # Players type these too, quoting a game ("[SYSTEM] connection lost") or a spec
    # ("System: windows 11"): a tag is an attack when it speaks to QAI or changes its rules.
    needs=AUTHORITY_STAKES,
)
AUTHORITY_TOKENS = rule(
    "authority-token",
    "fake_authority",
    "imitates a chat model's own turns or tokens",
    # a chat turn as JSON: {"role": "system", ...}
    r"[\"'\u201c\u201d]role[\"'\u201c\u201d]\s*:\s*[\"'\u201c\u201d](?:system|assistant|developer|tool)\b",
    # special tokens of chat models
    r"<\|[a-z_]{2,24}\|>",
    r"<<\W*/?sys\W*>>",
    r"</s>",
    r"```\W*(?:system|assistant|admin)",
    # markdown headers: chat has none
    r"^\W{0,2}#{1,6}\W{0,2}(?:system|admin|instructions?|new (?:rules?|instructions?)"
    r"|override|developer|dev|important|note to (?:qai|ai|assistant|the bot|the ai)|rules?"
    r"|prompt|mod|moderator|context|assistant|user)\b",
    # "### END" alone on its line, or the end of what a chat model reads ("### END OF
    # CHAT"); a game's "### END OF ACT 1 was such a cool title card" is chat
    r"^\W{0,2}#{1,6}\W{0,2}end\b(?:\W*$|\W{0,3}of (?:the |this |user )?(?:prompt|instructions?"
    r"|context|chat|conversation|input|system|session|transcript|log|rules|messages?|history"
    r"|text|data|turn))",
    # a fake assistant turn
    r"^\W{0,3}(?:qai|ai|bot|assistant)\s*:\s*(?:sure|of course|okay|ok|certainly|yes"
    r"|absolutely|as an ai|i will|i'll|here is|here's|understood|noted|acknowledged)",
    view="latin",
)

_SECRET_NAME = words(
    r"pass(?:word|wd|code|phrase)|pwd|api[\s_-]?(?:key|token)|apikey|access[\s_-]?(?:key|token)"
    r"|secret[\s_-]?key|private[\s_-]?key|auth[\s_-]?token|oauth[\s_-]?token|bearer[\s_-]?token"
    r"|stream[\s_-]?key|session[\s_-]?(?:cookie|token)|refresh[\s_-]?token|bot[\s_-]?token"
    r"|(?:github|twitch|discord|openai|aws) (?:token|key)|seed[\s_-]?phrase|recovery[\s_-]?code"
    r"|2fa[\s_-]?code|ssh[\s_-]?key|credentials"
    r"|(?:vault|safe|door|lock|locker|access|security|admin|master|secret|unlock|entry|alarm"
    r"|wifi|wi-fi|pin)[\s_-]?(?:code|pin|combo|combination)"
    r"|contrasena|clave|mot de passe|mdp|passwort|kennwort|senha|parola d'?ordine"
    r"|пароль|ключ api|токен"
)
# Names that are also everyday words only count with ":" or "=" ("the battle pass is 10
# bucks", "the token is a coin", "the secret is to use Grover").
_LOOSE_NAME = words("pass|pw|pin|token|secret|login")
_IS = words(r"is|was|will be|are|es|era|est|etait|ist|war|e|sera|sono|это")
_OWNER = words(OWNER_NAMES + "|administrador|administrateur|amministratore|админ\\w*")
# What follows "is" when it is a description and not a value.
_NOT_VALUE = (
    words(
        "the|a|an|in|on|at|for|to|like|just|still|not|no|probably|somewhere|hidden|written|wrong"
        "|right|correct|changed|easy|hard|simple|weak|strong|long|short|case|required|needed"
        "|optional|same|different|what|that|this|it|secret|private|public|safe|unsafe|broken"
        "|expired|invalid|valid|incorrect|my|your|his|her|their|our|too|so|very|really|literally"
        "|always|never|also|now|here|there|why|how|where|when|who|el|la|le|les|un|une|una|uno"
        "|der|die|das|ein|eine|o|os|um|uma|il|lo|gli|muy|tres|sehr|molto|muito|de|du|del|do|da"
        "|nicht|pas|non|nao|ok|okay|fine|cool|funny|stupid|dumb|lol|lmao|jk"
    )
    + r"\b"
)
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"
# A masked value ("********", "•••") shows no secret.
_MASKED = rf"[*\u2022\u25cf#.x]{{3,}}(?=[\s{_QUOTES}]|$)"
_VALUE = rf"[{_QUOTES}]?(?!{_NOT_VALUE}|{_MASKED})[^\s{_QUOTES}]{{3,}}"
# A value that looks like a secret rather than a word: a digit or a symbol in it, or quoted.
_SECRET_VALUE = (
    rf"(?:[{_QUOTES}][^\s{_QUOTES}]{{3,}}[{_QUOTES}]"
    rf"|(?!{_NOT_VALUE}|{_MASKED})(?=[^\s{_QUOTES}]*[\d_!#$%^&*+=/\\|~@-])[^\s{_QUOTES}]{{3,}})"
)
# "user / pass": a login stated as a pair, the secret second.
_PAIR = rf"(?:[^\s{_QUOTES}]+\s?[/:|]\s?)?{_SECRET_VALUE}"
_OF = r"(?:\s+(?:for|of|to|de|du|del|do|da|für|di|для)(?:\s+[^\s:=]+){1,3}?(?=\s|[:=])){0,2}"
_IS_SEP = rf"\s+{_IS}\b\s*(?:now\s+|still\s+|just\s+)?"
_COLON = r"\s*(?:[:=]|->|\u2014|\u2013|\s-)\s*"

# A game's own rooms and matches have passwords players share: "the quiz room password is
# 'qubit'" is the game, not a secret (an owner still makes it one: "the admin room ...").
_GAME_PLACE = "".join(
    rf"(?<!\b{place}\W)" for place in ("room", "lobby", "quiz", "match", "party", "raid", "puzzle")
)

CREDENTIAL_VALUES = rule(
    "credential-value",
    "credential",
    "states a password, key or token",
    rf"{_GAME_PLACE}(?:{_SECRET_NAME}){_OF}{_COLON}{_VALUE}",
    rf"{_GAME_PLACE}(?:{_SECRET_NAME}){_OF}{_IS_SEP}{_SECRET_VALUE}",
    rf"\b{_OWNER}\W{{0,3}}(?:{_SECRET_NAME}){_OF}{_IS_SEP}{_VALUE}",
    rf"(?:{_SECRET_NAME})\s+(?:of|for|de|du|del|do|da|di|des|vom|von)\s+(?:the\s+|la\s+|l'|el\s+|o\s+"
    rf"|le\s+|il\s+|dem\s+|des\s+)?{_OWNER}{_OF}{_IS_SEP}{_VALUE}",
    rf"\b{_LOOSE_NAME}\s*[:=]\s*{_VALUE}",
    rf"\b{_OWNER}\W{{0,3}}{_LOOSE_NAME}{_OF}{_IS_SEP}{_PAIR}",
    rf"\b(?:login|credentials|account){_OF}{_IS_SEP}[^\s{_QUOTES}]+\s?[/|:]\s?{_SECRET_VALUE}",
    view="latin",
    spans=False,
)

CREDENTIAL_TOKENS = rule(
    "credential-token",
    "credential",
    "contains an API key, token or private key",
    r"\bsk-(?:proj-|ant-(?:api\d\d-)?|live_|test_|svcacct-)?[A-Za-z0-9_\-]{16,}",
    r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}",
    r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b",
    r"\bAIza[0-9A-Za-z_\-]{35}",
    r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
    r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
    r"\bglpat-[A-Za-z0-9_\-]{20,}",
    r"\bnpm_[A-Za-z0-9]{36}",
    r"\bhf_[A-Za-z0-9]{30,}",
    r"\bSG\.[\w-]{16,}\.[\w-]{16,}",
    r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    r"\boauth:[a-z0-9]{20,}",
    r"\blive_\d{6,12}_[A-Za-z0-9]{20,40}\b",
    r"(?i:\bbearer)\s+[A-Za-z0-9\-._~+/]{20,}",
    r"\b(?=[A-Za-z0-9_\-]*[A-Z])(?=[A-Za-z0-9_\-]*[a-z])(?=[A-Za-z0-9_\-]*[0-9])"
    r"[A-Za-z0-9_\-]{32,}",
    view="plain",
    spans=False,
)

_TLD = words(
    "com|net|org|io|gg|co|xyz|ru|su|cn|tk|ml|ga|cf|gq|ly|me|app|dev|info|biz|site|online|top"
    "|link|click|live|tv|shop|store|cc|ai|de|fr|br|uk|pw|ws|club|icu|vip|edu|gov|gl|to|eu|jp"
    "|nl|ca"
)
# More TLDs seen in scam links, none a chat word; those that are ("wtf", "win", "bet",
# "work", "game", "lol") count only when a path follows (evil.wtf/claim).
_TLD_MORE = words(
    "zip|mov|sbs|cfd|cyou|bond|autos|boats|homes|loans|mobi|kim|tech|website|accountant"
    "|cricket|download|racing|science|monster|kr|tw|hk|ph|vn|pl|pt|dk|fi|cz|ua|kz"
)
# A TLD typed letter by letter ("c o m").
_SPACED_TLD = alt(
    *(" ?".join(tld) for tld in ("com", "net", "org", "io", "gg", "ru", "xyz", "tv", "co"))
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOT = r"(?:\.|\s?\[\.\]\s?|\s?\(\.\)\s?|\s?\{\.\}\s?|\s?\[dot\]\s?|\s?\(dot\)\s?)"

LINKS = rule(
    "link",
    "link",
    "contains a link",
    r"\b(?:https?|hxxps?|ftp|sftp|wss?|file)\s?:\s?/\s?/",
    r"\bh\W?t\W?t\W?p\W?s?\W{0,3}:\W{0,3}/\W?/",
    r"\b(?:javascript|vbscript)\s?:",
    r"\bdata\s?:\s?[a-z]+/[a-z0-9.+-]+[;,]",
    r"\bmailto\s?:",
    r"\bmagnet\s?:\s?\?",
    rf"\bwww\d{{0,3}}(?:{_DOT}|\s\.\s){_LABEL}",
    rf"\b{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}\b(?!\.[a-z0-9])",
    rf"\b{_LABEL}\s(?:dot|punto|point|punkt|ponto|точка)\s(?:com|net|org|io|gg|ru|xyz|tv)\b",
    # any TLD when a path follows (evil.wtf/claim), a longer TLD list otherwise
    rf"\b{_LABEL}(?:\.{_LABEL})*\.[a-z]{{2,12}}/[\w?=&%#~+-]",
    rf"\b{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD_MORE}\b(?!\.[a-z0-9])",
    # spaced out: e v i l . c o m. Real spaces (\x20): a space in a pattern is a word gap,
    # which may be empty, and then any word's last letters before ". io" matched.
    rf"\b[a-z0-9](?:\x20[a-z0-9]){{2,40}}\x20?\.\x20?{_SPACED_TLD}\b",
    r"\[[^\]\n]{1,200}\]\(\s?[^)\s]{1,500}\s?\)",
    r"\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b",
    view="latin",
    spans=False,
)

RULES = (AUTHORITY_TOKENS, AUTHORITY_TAGS, CREDENTIAL_TOKENS, CREDENTIAL_VALUES, LINKS)
