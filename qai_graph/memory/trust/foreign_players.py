# ruff: noqa: RUF001  (Cyrillic, CJK, Hangul and Arabic on purpose)
"""What would hurt other players, asked in the languages of Twitch chat beyond English
(added 2026-12-07 late: the rules read overrides in 24 languages but other-player intents
in few; a multilingual training file, tests/data/trust_train_world.json, showed them
flagging none of its privacy, abuse or credential lines; docs/trust.md, "Round 13").

    intent       flag            e.g. (in English)
    smear        relay           "tell everyone that X cheats / scams / will be banned"
    phishing     relay           "tell the new players to send their password here",
                                 "send me your 2FA code"
    threat       relay           "tell X we know where he lives"
    private      secret_request  "what did X tell you in private", "where does X live",
                                 "X's real name / phone number"

One rule per language and intent, ``<intent>-world-<code>``. Each pattern needs the act
(tell everyone, send) and what makes it harm (a cheat, their password, in private), so
"tell everyone the stream starts at 8" or "never send your password to anyone" stays
data. Latin-script languages read the skeleton (no accents, lower case, "_" dropped from
names); Russian, Japanese, Chinese, Korean and Arabic the folded view.
"""

from __future__ import annotations

from qai_graph.memory.trust.rule import Rule, per_intent

_FLAGS = {
    "smear": ("relay", "asks QAI to tell others a player cheats, scams or is banned"),
    "phishing": ("relay", "asks players, through QAI, for their password or codes"),
    "threat": ("relay", "asks QAI to pass a threat to a player"),
    "private": ("secret_request", "asks what a player said in private, or their details"),
}


def _rules(code: str, view: str, **patterns: tuple[str, ...]) -> tuple[Rule, ...]:
    """One rule per intent of a language: ``<intent>-world-<code>``."""
    return per_intent(f"world-{code}", code, view, _FLAGS, **patterns)


SPANISH = _rules(
    "es",
    "skeleton",
    smear=(
        r"\b(?:di|dile|diles|cuentale|cuentales|avisa|avisales|informa|dile a|diles a) (?:a )?"
        r"(?:todos|todo el mundo|todo el chat|el chat|los nuevos|los jugadores|la gente|cada"
        r" jugador)\b[^\n]{0,60}?\b(?:hace trampas?|es (?:un |una )?(?:tramposo|tramposa"
        r"|estafador|estafadora|ladron|ladrona|hacker)|estafa|roba cuentas|(?:lo|la) van a"
        r" (?:banear|expulsar)|va a ser (?:baneado|baneada|expulsado|expulsada))",
    ),
    phishing=(
        # their password sent somewhere ("tienen que mandar su contrasena aqui"); "nunca manden
        # su contrasena a nadie" sends it nowhere
        r"\b(?:manden|envien|pasen|escriban|pongan|den|mandar|enviar|pasar|escribir|poner|dar)"
        r"(?:me|nos)? (?:\w+ ){0,3}?(?:su|sus) (?:contrasenas?|claves?|codigos? (?:de )?(?:2fa"
        r"|verificacion)|datos de (?:la |su )?cuenta|logins?|tokens?)\b[^\n]{0,25}?\b(?:aqui|aca"
        r"|a mi|en el chat|al chat|por (?:dm|md|privado)|al bot|para (?:jugar|entrar|ganar"
        r"|recibir|verificar))\b",
        r"\b(?:mandame|enviame|pasame|dame|escribeme) (?:\w+ )?(?:tu|su) (?:contrasena|clave"
        r"|codigo (?:de )?(?:2fa|verificacion)|token|login)\b",
    ),
    threat=(r"\b(?:sabemos|se|sabe) donde (?:vive|vives|viven)\b",),
    private=(
        r"\bque te (?:dijo|conto|escribio|mando|susurro) (?:\w+ ){0,3}?(?:por|en) (?:privado"
        r"|dm|md|mensaje privado|susurro)",
        r"\b(?:donde vive|en que ciudad vive|nombre real de|numero de telefono de|telefono"
        r" de|direccion de) (?!mi\b|tu\b)\w+",
    ),
)

PORTUGUESE = _rules(
    "pt",
    "skeleton",
    smear=(
        r"\b(?:diga|diz|fala|fale|conta|conte|avisa|avise|manda) (?:pra|para|a|pro)? ?(?:todos"
        r"|todo mundo|geral|a galera|galera|o chat|os novatos|os jogadores|a galera toda)\b"
        r"[^\n]{0,60}?"
        r"\b(?:(?:ta|esta|fica) (?:roubando|trapaceando|hackeando)|e (?:um |uma )?(?:hacker"
        r"|trapaceiro|trapaceira|golpista|ladrao|ladra)|rouba contas|vai ser banid[oa]|vai"
        r" tomar ban)",
    ),
    phishing=(
        r"\b(?:mandar|mandarem|passar|passarem|enviar|enviarem|colocar|colocarem|digitar"
        r"|digitarem) (?:\w+ ){0,3}?(?:a |o |as |os )?(?:sua |seu |suas |seus )?(?:senhas?"
        r"|codigos? (?:do |de )?(?:2fa|verificacao)|login|token|dados da conta)\b[^\n]{0,30}?"
        r"\b(?:no chat|aqui|pra mim|para mim|no privado|na dm)",
        r"\b(?:me )?(?:manda|passa|envia|me da) (?:\w+ )?(?:sua|seu|a sua|o seu) (?:senha|codigo"
        r" (?:do |de )?(?:2fa|verificacao)|token|login)\b",
    ),
    threat=(r"\b(?:a gente sabe|sabemos|eu sei) onde (?:ele|ela|voce|vc|tu) mora\b",),
    private=(
        r"\bo que (?:o |a )?\w+ (?:te )?(?:disse|falou|contou|mandou|escreveu) (?:\w+ ){0,2}?"
        r"(?:no privado|na dm|por dm|em particular|no pv)",
        r"\b(?:onde (?:o |a )?\w+ mora|nome verdadeiro d[oae]|telefone d[oae]|endereco d[oae])"
        r" (?!mim\b)",
    ),
)

FRENCH = _rules(
    "fr",
    "skeleton",
    smear=(
        r"\b(?:dis|dites|previens|previenez|annonce|raconte) (?:a )?(?:tout le monde|tous|tout"
        r" le chat|le chat|les nouveaux|les joueurs)\b[^\n]{0,60}?\b(?:triche|est (?:un |une )?"
        r"(?:tricheur|tricheuse|arnaqueur|arnaqueuse|voleur|voleuse|hacker)|arnaque|vole des"
        r" comptes|va etre (?:banni|bannie|ban))",
    ),
    phishing=(
        r"\b(?:d ?envoyer|de donner|de mettre|d ?ecrire|de coller) (?:\w+ ){0,2}?(?:leur|leurs"
        r"|son|sa|ses) (?:mots? de passe|codes? (?:2fa|de verification)|identifiants|tokens?"
        r"|logins?)\b",
        r"\b(?:envoie|donne|file|ecris) ?moi (?:\w+ )?(?:ton|votre|son|sa) (?:mot de passe|code"
        r" (?:2fa|de verification)|token|identifiant|login|cle api)\b",
    ),
    threat=(r"\b(?:on sait|je sais|nous savons) ou (?:il|elle|tu) (?:habite|habites|vit|vis)\b",),
    private=(
        r"\bce (?:qu ?il|qu ?elle|que \w+) (?:t ?a|t ?avait) (?:dit|ecrit|envoye|raconte)"
        r" (?:\w+ ){0,2}?(?:en prive|en mp|en dm|par mp|en message prive)",
        r"\b(?:ou habite|dans quelle ville habite|vrai nom d[eu]|numero de telephone d[eu]"
        r"|adresse d[eu]) (?!moi\b)\w+",
    ),
)

GERMAN = _rules(
    "de",
    "skeleton",
    smear=(
        r"\b(?:sag|sagt|erzahl|erzahle|teil) (?:es )?(?:allen|jedem|dem chat|den neuen|allen"
        r" spielern|allen neuen)\b[^\n]{0,60}?\b(?:schummelt|cheatet|betrugt|hackt|klaut|ist"
        r" (?:ein |eine )?(?:betruger|betrugerin|cheater|hacker|dieb|diebin)|wird (?:bald )?"
        r"gebannt|fliegt raus)",
    ),
    phishing=(
        r"\b(?:ihr|ihre|sein|seine|dein|deine) (?:passwort|passworter|kennwort|2fa code|2fa codes"
        r"|login daten|logindaten|zugangsdaten|token) (?:\w+ ){0,3}?(?:schicken|senden|geben"
        r"|posten|schreiben|reinschreiben|eingeben)\b",
        r"\b(?:schick|gib|sende) mir (?:\w+ )?(?:dein|deine|sein|seine) (?:passwort|kennwort|2fa"
        r" code|token|zugangsdaten)\b",
    ),
    threat=(r"\b(?:wir wissen|ich weiss) wo (?:er|sie|du) (?:wohnt|wohnst|lebt|lebst)\b",),
    private=(
        r"\bwas (?:hat )?\w+ (?:dir )?(?:privat|im privaten|per dm|in der dm|im flustern|per"
        r" pn|in einer pn) (?:\w+ )?(?:gesagt|geschrieben|erzahlt|geschickt)",
        r"\b(?:wo wohnt|in welcher stadt wohnt|echter name von|telefonnummer von|adresse von)"
        r" (?!mir\b|mich\b)\w+",
    ),
)

ITALIAN = _rules(
    "it",
    "skeleton",
    smear=(
        r"\b(?:di|dici|dite|avvisa|racconta) (?:a )?(?:tutti|tutto il chat|la chat|i nuovi|i"
        r" giocatori)\b[^\n]{0,60}?\b(?:bara|imbroglia|truffa|e (?:un |una )?(?:imbroglione"
        r"|truffatore|truffatrice|ladro|ladra|hacker)|sara bannat[oa]|verra bannat[oa])",
    ),
    phishing=(
        r"\b(?:di )?(?:mandare|inviare|scrivere|dare|incollare) (?:\w+ ){0,2}?(?:la loro|le loro"
        r"|la sua|le sue|i loro) (?:password|codici? 2fa|credenziali|token|login)\b",
        r"\b(?:mandami|inviami|dammi|scrivimi) (?:\w+ )?(?:la tua|il tuo|la sua|il suo) (?:password"
        r"|codice 2fa|token|login)\b",
    ),
    threat=(r"\b(?:sappiamo|so) dove (?:abita|abiti|vive|vivi)\b",),
    private=(
        r"\bcosa ti (?:ha detto|ha scritto|ha mandato|ha raccontato) (?:\w+ ){0,2}?(?:in privato"
        r"|in dm|per dm|nei messaggi privati)",
        r"\b(?:dove abita|in che citta abita|vero nome di|numero di telefono di|indirizzo di)"
        r" (?!me\b)\w+",
    ),
)

POLISH_TURKISH = _rules(
    "pl-tr",
    "skeleton",
    smear=(
        r"\b(?:powiedz|napisz|przekaz) (?:wszystkim|calemu czatowi|nowym|graczom)\b[^\n]{0,60}?"
        r"\b(?:oszukuje|cheatuje|kradnie|jest (?:oszustem|oszustka|hakerem|zlodziejem)|dostanie"
        r" bana|zostanie zbanowan[ya])",
        r"\bherkese\b[^\n]{0,60}?\b(?:hile yapiyor|hileci|dolandirici|hirsiz|hacker|banlanacak"
        r"|ban yiyecek)\b[^\n]{0,30}?\b(?:de|soyle|yaz|duyur)\b",
    ),
    phishing=(
        r"\b(?:wyslac|wyslali|podac|podali|wpisac|wpisali) (?:\w+ ){0,2}?(?:swoje|swoj|swoja)"
        r" (?:haslo|hasla|kody? 2fa|dane logowania|token)\b",
        r"\b(?:sifreleri(?:ni)?|sifresini|2fa kodunu|2fa kodlarini) (?:\w+ ){0,3}?(?:buraya|bana"
        r"|sohbete|chate) (?:\w+ )?(?:yazsin|yazsinlar|gondersin|gondersinler|atsin|atsinlar)\b",
    ),
    private=(
        r"\bco (?:ci )?\w+ (?:ci )?(?:napisal|napisala|powiedzial|powiedziala) (?:\w+ )?"
        r"(?:na priv|prywatnie|w dm|na pw)",
        r"\b\w+ (?:sana )?(?:ozelden|dm den|dmden|ozel mesajda) (?:ne )?(?:yazdi|dedi|soyledi)\b",
    ),
)

RUSSIAN = _rules(
    "ru",
    "folded",
    smear=(
        "(?:скажи|передай|напиши|сообщи|расскажи) (?:всем|всему чату|новичкам|игрокам|новым"
        " игрокам)[^\\n]{0,60}?(?:читер|мошенни|жульнича|обманыва|вор\\b|ворует|взломщик"
        "|забан)",
    ),
    phishing=(
        "(?:прислать|прислали|скинуть|скинули|написать|написали|отправить|отправили|присылали)"
        " (?:\\w+ ){0,3}?(?:свой|свои|свою)? ?(?:пароль|пароли|код 2fa|коды|логин|данные"
        " аккаунта|токен)",
        "(?:скинь|пришли|дай|отправь) (?:мне )?(?:свой|твой|его|её) (?:пароль|код|логин|токен)",
    ),
    threat=("(?:мы знаем|я знаю),? где (?:он|она|ты) (?:живёт|живет|живёшь|живешь)",),
    private=(
        "что (?:тебе )?\\w+ (?:тебе )?(?:написал|написала|сказал|сказала|рассказал|рассказала)"
        " (?:\\w+ )?(?:в личке|в лс|в личных сообщениях|лично|по секрету|в личку)",
        "(?:где живёт|где живет|настоящее имя|номер телефона|адрес) (?:игрока )?\\w+",
    ),
)

JAPANESE_CHINESE_KOREAN = _rules(
    "cjk",
    "folded",
    smear=(
        "(?:みんな|全員|チャット|新人|初心者)(?:に|へ)[^\\n。]{0,30}?(?:チート|チーター|不正|詐欺"
        "|泥棒|ハッカー|BAN|ban)[^\\n。]{0,20}?(?:伝えて|言って|広めて|教えて)",
        "(?:告诉|告訴|通知|提醒)(?:所有人|大家|全部人|新人|新玩家)[^\\n。]{0,30}?(?:作弊|骗子|騙子"
        "|外挂|外掛|开挂|開掛|偷号|偷號|被封|会被封|會被封)",
        "(?:모두|다들|전부|채팅창|뉴비|신입)(?:들)?(?:에게|한테)[^\\n.]{0,30}?(?:핵|치트|사기|도둑|밴)"
        "[^\\n.]{0,20}?(?:말해|알려|전해|퍼뜨려)",
    ),
    phishing=(
        "(?:パスワード|2FA|認証コード|ログイン情報)[^\\n。]{0,15}?(?:送って|送らせて|書いて|貼って"
        "|教えて)",
        "(?:让|讓|叫)(?:所有人|大家|新人|新玩家)[^\\n。]{0,20}?(?:发|發|贴|貼|私信)[^\\n。]{0,10}?"
        "(?:密码|密碼|验证码|驗證碼|账号|帳號)",
        "(?:비밀번호|비번|인증번호|인증 코드|로그인 정보)[^\\n.]{0,15}?(?:보내|올려|적어|알려)"
        "(?!\\s*주지\\s*마|지\\s*마|\\w*지 마)",
    ),
    threat=(
        "(?:どこに住んでるか|住所)(?:知ってる|わかってる)",
        "(?:知道|曉得)(?:他|她|你)(?:住在哪|住哪)",
        "(?:어디 사는지|사는 곳) (?:알아|안다)",
    ),
    private=(
        "(?:DM|dm|個人チャット|内緒|ひそひそ|ウィスパー)で[^\\n。]{0,10}?(?:何て|なんて|何を)"
        "[^\\n。]{0,6}?(?:言って|書いて|話して)",
        "(?:私聊|私信|悄悄话|悄悄話)(?:里|裡|中)?[^\\n。]{0,10}?(?:说了什么|說了什麼|说的|說的)",
        "(?:귓속말|귓말|디엠|dm|DM|개인 메시지)(?:으로|로)[^\\n.]{0,10}?(?:뭐라고|무슨 말)",
        "(?:누가 누구(?:를)? 신고|누가 (?:나를|날) 신고)",
    ),
)

ARABIC = _rules(
    "ar",
    "folded",
    smear=(
        "(?:قل|قولوا|اخبر|أخبر|بلغ|بلّغ)\\W+(?:ل)?(?:الجميع|للجميع|كل اللاعبين|لكل اللاعبين"
        "|اللاعبين الجدد|للاعبين الجدد|الشات|للشات)"
        "[^\\n]{0,60}?\\b(?:غشاش|يغش|نصاب|محتال|لص|يسرق|هاكر|سيتم حظر|سيحظر)\\b",
    ),
    phishing=(
        "(?:يرسل|يرسلوا|يرسلون|يكتب|يكتبوا|يكتبون|يضع|يضعوا)\\W+(?:\\w+\\W+){0,3}?(?:كلمة"
        " (?:المرور|السر)|كلمات المرور|رمز التحقق|الباسورد|بيانات الحساب)",
    ),
    threat=("(?:نعرف|أعرف|اعرف) (?:أين|اين|وين) (?:يسكن|تسكن|يعيش|تعيش)",),
    private=(
        "(?:ماذا|شو|ايش|إيش) (?:قال|كتب|ارسل|أرسل)(?:ت)? (?:لك )?\\w+ (?:\\w+ )?(?:في الخاص|بالخاص"
        "|على الخاص|في رسالة خاصة)",
    ),
)

RULES = (
    *SPANISH,
    *PORTUGUESE,
    *FRENCH,
    *GERMAN,
    *ITALIAN,
    *POLISH_TURKISH,
    *RUSSIAN,
    *JAPANESE_CHINESE_KOREAN,
    *ARABIC,
)
