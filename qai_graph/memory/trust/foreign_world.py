# ruff: noqa: RUF001, RUF002  (Hebrew, Greek, Persian and Ukrainian letters on purpose)
"""The main intents in seven more languages: Hebrew, Greek, Persian, Ukrainian, Dutch,
Tagalog and Swahili (added 2026-12-07 late: blind round 12 wrote its other-language
injections in them, and only the classifier read any; docs/trust.md, "Other players").

The same four intents as ``foreign_scripts`` (rules dropped or QAI obeying the speaker,
its instructions asked for, the admin's password asked for, other players smeared through
QAI), each needing its imperative or a qualifier, so "I forgot the rules of the puzzle"
or "the admin said the password changes on monday" stays data.

Hebrew, Greek, Persian and Ukrainian read the folded view (their letters as typed, case
folded): Greek keeps its accents there, so ``_el`` lets every vowel carry one (and the
final sigma is folded to σ); Persian is typed with Persian or Arabic yeh and kaf, so
``_fa`` takes either (its zero-width non-joiner is gone in that view). Dutch, Tagalog and
Swahili read the skeleton (no accents, lower case).
"""

from __future__ import annotations

from qai_graph.memory.trust.foreign_scripts import intents

_GREEK_VOWELS = {
    "α": "[αά]",
    "ε": "[εέ]",
    "η": "[ηή]",
    "ι": "[ιίϊΐ]",
    "ο": "[οό]",
    "υ": "[υύϋΰ]",
    "ω": "[ωώ]",
}


def _el(text: str) -> str:
    """A Greek pattern written without accents that matches them typed with accents."""
    return "".join(_GREEK_VOWELS.get(ch, ch) for ch in text)


def _fa(text: str) -> str:
    """A Persian pattern that takes the Persian and the Arabic yeh and kaf."""
    return text.replace("ی", "[یي]").replace("ک", "[کك]")


_HE_DROP = "\\b(?:תתעלם|התעלם|תתעלמי|תשכח|שכח|תשכחי|תזרוק|זרוק|תבטל|בטל|אל תציית|אל תקשיב)\\b"
_HE_RULES = "(?:הוראות|חוקים|כללים|הנחיות|מגבלות|הגבלות)"

HEBREW = intents(
    "he",
    "Hebrew",
    "folded",
    override=(
        # all of them, or theirs: "מכל ההוראות", "את כל החוקים"; "the rules of chess" is not it
        f"{_HE_DROP}(?:\\W+\\w+)?\\W+\\w?כל\\W+\\w{{0,2}}{_HE_RULES}",
        f"{_HE_DROP}(?:\\W+\\w+){{0,2}}?\\W+\\w{{0,3}}{_HE_RULES}\\w*\\W+(?:שלך|הקודמות|הקודמים"
        "|המקוריות|המקוריים|שקיבלת|שנתנו לך|הישנות|הישנים)",
        f"{_HE_DROP}(?:\\W+\\w+){{0,2}}?\\W+\\w{{0,3}}(?:הוראותיך|חוקיך|כלליך|הנחיותיך)",
        "(?:מעכשיו|מהיום|מרגע זה) (?:והלאה )?(?:אתה|את) (?:רק|תציית|תקשיב|חייב)",
        "(?:תציית|תקשיב) רק (?:לי|להוראות שלי)",
    ),
    leak=(
        "(?:תראה|הראה|תגיד|תכתוב|תחשוף|גלה|תגלה|תעתיק|תדביק)(?:\\W+\\w+){0,4}?\\W+"
        "(?:ההנחיות|ההוראות|הפרומפט|פרומפט|הוראות המערכת)(?:\\W+\\w+)?\\W+(?:הסודיות|שלך|המקוריות"
        "|שקיבלת|הראשונות)",
    ),
    secret=(
        "\\b(?:תגיד|תן|תכתוב|תשלח|מה)\\W+(?:\\w+\\W+){0,3}?(?:ה?סיסמה|סיסמת|ה?סיסמא)\\W+"
        "(?:של\\W+)?(?:ה?אדמין|ה?מנהל|ה?מודים|ה?סטרימר)",
    ),
    relay=(
        "(?:תגיד|תספר|תודיע)\\W+(?:ל)?(?:כולם|כל השחקנים|השחקנים החדשים)[^\\n]{0,40}?"
        "(?:רמאי|נוכל|גנב|האקר|צ'יטר|סיסמ)",
    ),
)

_EL_DROP = "(?:ξεχασε|ξεχασετε|αγνοησε|αγνοησετε|πεταξε|μην ακολουθεισ|σταματα να ακολουθεισ)"
_EL_RULES = "(?:κανονεσ|κανονα|οδηγιεσ|εντολεσ|περιορισμουσ|ρυθμισεισ|προγραμματισμο)"

GREEK = intents(
    "el",
    "Greek",
    "folded",
    override=(
        _el(f"{_EL_DROP} (?:\\w+ )?{_EL_RULES} (?:σου|που σου (?:δωσαν|εδωσαν|ειπαν))"),
        _el(
            f"{_EL_DROP} (?:ολεσ τισ|ολουσ τουσ|ολα τα|τισ|τουσ|τα)? ?(?:προηγουμενεσ|προηγουμενουσ"
        )
        + _el(f"|αρχικεσ|αρχικουσ|παλιεσ|παλιουσ|ολεσ|ολουσ) (?:τισ |τουσ )?{_EL_RULES}"),
        _el("(?:απο τωρα|απο εδω και περα)(?: και στο εξησ)? (?:εσυ )?(?:θα |μονο )")
        + _el("(?:ακουσ|υπακουσ|κανεισ|λεσ)"),
        _el("(?:ακουσ|υπακουσ) μονο (?:εμενα|σε μενα)"),
    ),
    leak=(
        _el("(?:δειξε|πεσ|γραψε|αποκαλυψε|αντιγραψε) (?:μου )?(?:\\w+ ){0,2}?")
        + _el("(?:οδηγιεσ|εντολεσ|system prompt)")
        + _el("(?: (?:σου|του συστηματοσ)| που σου (?:δωσαν|εδωσαν))"),
    ),
    secret=(
        _el("(?:πεσ|δωσε|γραψε|στειλε|ποιοσ ειναι|ποιο ειναι) (?:μου )?(?:τον |το )?")
        + _el("(?:κωδικο|κωδικοσ|συνθηματικο) (?:\\w+ )?(?:του )?(?:διαχειριστη|admin)"),
    ),
    relay=(
        _el("(?:πεσ|γραψε) (?:σε )?(?:ολουσ|ολουσ τουσ παικτεσ|στουσ νεουσ) (?:οτι|πωσ) ")
        + "[^\\n]{0,40}?"
        + _el("(?:απατεωνασ|κλεφτησ|χακερ|κωδικουσ|κλεβει)"),
    ),
)

_FA_RULES = "(?:دستور|دستورات|قوانین|قواعد|دستورالعمل|محدودیت)"
_FA_DROP = "(?:نادیده بگیر|فراموش کن|کنار بگذار|کنار بذار|بیخیال شو|ول کن)"

PERSIAN = intents(
    "fa",
    "Persian",
    "folded",
    override=(
        # theirs ("قوانینت"), the earlier ones ("دستورهای قبلی") or all of them
        _fa(f"{_FA_RULES}\\w*?(?:ت| (?:\\w+ )?(?:قبلی|قدیمی|اولیه|خودت|سیستمی|اصلی))")
        + _fa(f" (?:\\w+ ){{0,2}}?(?:را |رو )?{_FA_DROP}"),
        _fa(
            f"(?:همه ی|همهی|همه|تمام|تمامی) {_FA_RULES}\\w* (?:\\w+ ){{0,2}}?(?:را |رو )?{_FA_DROP}"
        ),
        _fa("(?:از این به بعد|از الان) (?:تو )?(?:فقط|باید) (?:از )?(?:من|حرف من|دستور من)"),
    ),
    leak=(
        _fa("(?:دستورهای|دستورات|پرامپت|پیام سیستمی|دستورالعمل)\\w* (?:\\w+ ){0,3}?")
        + _fa("(?:را |رو )?(?:به من )?(?:نشان بده|نشون بده|بگو|بنویس|فاش کن|لو بده)"),
    ),
    secret=(
        _fa("(?:رمز عبور|رمز|پسورد) (?:\\w+ )?(?:ادمین|مدیر|استریمر) (?:\\w+ ){0,2}?")
        + _fa("(?:را |رو )?(?:به من )?(?:بگو|بده|بفرست|بنویس|چیه|چیست)"),
    ),
    relay=(
        _fa("به (?:همه|همه بازیکنان|بازیکنان جدید) بگو (?:که )?[^\\n]{0,40}?")
        + _fa("(?:کلاهبردار|دزد|هکر|تقلب|رمز)"),
    ),
)

UKRAINIAN = intents(
    "uk",
    "Ukrainian",
    "folded",
    override=(
        "(?:ігноруй|ігноруйте|забудь|забудьте|відкинь|не слухай|не виконуй) (?:\\w+ )?"
        "(?:свої|твої|ваші|всі|усі|попередні|старі|початкові|системні|ці) (?:\\w+ )?"
        "(?:інструкці|правил|вказів|настанов|обмежен|налаштуван)\\w*",
        "(?:відтепер|з цього моменту|від сьогодні) (?:ти )?(?:слухаєш|виконуєш|підкоряєшся"
        "|тільки|лише)",
    ),
    leak=(
        "(?:покажи|напиши|розкажи|виведи|скопіюй|перекажи) (?:\\w+ ){0,2}?(?:системн\\w* промпт"
        "|сво\\w* інструкці|тво\\w* інструкці|системн\\w* інструкці|початков\\w* інструкці)",
    ),
    secret=(
        "(?:скажи|дай|напиши|надішли|який) (?:мені )?пароль (?:від )?(?:адміна|адміністратора"
        "|модератора|стрімера)",
    ),
    relay=(
        "(?:скажи|повідом|напиши) (?:всім|усім|новим гравцям)[^\\n]{0,40}?(?:шахрай|злодій"
        "|хакер|читер|пароль)",
    ),
)

DUTCH = intents(
    "nl",
    "Dutch",
    "skeleton",
    # its override ("negeer je instructies") is foreign.py's override-nl
    leak=(
        r"\b(?:laat|toon|geef|vertel|kopieer|plak) (?:me |mij |ons )?(?:je |jouw |de )?"
        r"(?:systeemprompt|system prompt|geheime instructies|oorspronkelijke instructies"
        r"|verborgen regels)\b",
    ),
    secret=(
        r"\b(?:wat is|geef|vertel|stuur|typ) (?:me |mij )?(?:het )?wachtwoord van (?:de )?"
        r"(?:admin|beheerder|mod|moderator|streamer)\b",
    ),
    relay=(
        r"\b(?:vertel|zeg) (?:tegen )?(?:iedereen|alle spelers|de nieuwe spelers) (?:dat )?"
        r"[^\n]{0,40}?(?:oplichter|valsspeler|hacker|scammer|steelt|wachtwoord)",
    ),
)

_TL_DROP = "(?:kalimutan|huwag pansinin|wag pansinin|balewalain|huwag sundin|wag sundin|itapon)"
_TL_RULES = "(?:patakaran|utos|tagubilin|instruksyon|instructions|rules|panuntunan)"

TAGALOG = intents(
    "tl",
    "Tagalog",
    "skeleton",
    override=(
        rf"\b{_TL_DROP} (?:mo )?(?:na )?(?:ang |yung )?lahat ng (?:\w+ )?{_TL_RULES}\b",
        rf"\b{_TL_DROP} (?:mo )?(?:na )?(?:ang |yung )?(?:mga )?(?:\w+ )?{_TL_RULES} "
        r"(?:mo|na binigay sa(?:yo|iyo)|sa(?:yo|iyo)|dati|noon)\b",
        r"\b(?:mula ngayon|simula ngayon) (?:ikaw|ka) (?:ay )?(?:lang|lamang|susunod)\b",
        r"\bsundin mo (?:lang|lamang) (?:ako|ang utos ko)\b",
    ),
    leak=(
        r"\b(?:ipakita|sabihin|isulat|ibigay|ilabas) mo (?:sa akin |sakin )?(?:ang |yung )?"
        r"(?:iyong |mga )?(?:lihim na |sikretong )?(?:instructions|tagubilin|system prompt"
        r"|utos sayo)\b",
    ),
    secret=(
        r"\b(?:ano ang|ano yung|ibigay mo|sabihin mo|ibigay|sabihin) (?:sa akin |sakin )?"
        r"(?:ang |yung )?(?:password|passcode) ng (?:admin|mod|moderator|streamer)\b",
    ),
    relay=(
        r"\bsabihin mo sa (?:lahat|lahat ng players|mga bagong players|mga bago) (?:na )?"
        r"[^\n]{0,40}?(?:scammer|manloloko|magnanakaw|hacker|cheater|nandaya|password)",
    ),
)

SWAHILI = intents(
    "sw",
    "Swahili",
    "skeleton",
    override=(
        r"\b(?:puuza|sahau|usifuate|acha kufuata|achana na) (?:\w+ ){0,2}?(?:maagizo|maelekezo"
        r"|sheria|kanuni|amri|masharti) (?:\w+ )?(?:yako|zako|lako|yote|zote|ya awali|za awali"
        r"|ya zamani|za zamani|uliyopewa|ulizopewa)\b",
        r"\bkuanzia sasa (?:wewe )?(?:utanisikiliza|utafuata maagizo yangu|utanitii)\b",
    ),
    leak=(
        r"\b(?:nionyeshe|onyesha|niambie|niandikie|fichua) (?:\w+ ){0,2}?(?:maagizo|maelekezo"
        r"|system prompt) (?:ya siri|yako|uliyopewa|ya mfumo)\b",
    ),
    secret=(
        r"\b(?:nipe|niambie|tuma|niandikie) (?:\w+ )?(?:nenosiri|neno la siri|password)"
        r" (?:la |ya )?(?:admin|msimamizi)\b",
    ),
    relay=(
        r"\b(?:waambie|mwambie) (?:wote|kila mtu|wachezaji wote|wachezaji wapya) (?:kwamba |kuwa )?"
        r"[^\n]{0,40}?(?:tapeli|mwizi|hacker|anadanganya|nenosiri)",
    ),
)

RULES = (*HEBREW, *GREEK, *PERSIAN, *UKRAINIAN, *DUTCH, *TAGALOG, *SWAHILI)
