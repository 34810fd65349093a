# ruff: noqa: RUF001  (the Russian words are Cyrillic on purpose)
"""The words of each language the rules cover beyond English (``languages.Language`` says
how they become rules), and the "ignore your instructions" family in a few more."""

from __future__ import annotations

from qai_graph.memory.trust.languages import Language
from qai_graph.memory.trust.rule import rule

SPANISH = Language(
    code="es",
    name="Spanish",
    override="ignora|ignore|ignoren|ignorad|olvida|olvide|olviden|olvidad|olvidate de|descarta"
    "|descarte|omite|omita|desobedece|saltate|haz caso omiso (?:de|a)|no sigas|deja de seguir"
    "|pasa de",
    determiners="todas|todos|todo|las|los|la|el|de|a|cualquier|esas|estas",
    possessives="tus|sus|vuestras|tu|su",
    nouns="instrucciones|instruccion|reglas|normas|directrices|indicaciones|ordenes|pautas"
    "|restricciones|limitaciones|programacion|prompt|filtros|consignas",
    prior="anteriores|previas|originales|iniciales|del sistema|de arriba|de antes|de seguridad",
    given="que te (?:dieron|han dado|dijeron|pusieron)|que tenias|que recibiste",
    all="todas|todo|cualquier",
    strong="instrucciones|directrices|indicaciones|programacion|restricciones",
    from_now="a partir de ahora|desde ahora(?: en adelante)?|de ahora en adelante"
    "|a partir de hoy|de aqui en adelante",
    directives="eres|seras|vas a|debes|tienes que|responde|responderas|contesta|contestaras"
    "|hablaras|habla|actua|actuaras|ignora|olvida|di\\b|diras|dile|llamame"
    "|solo (?:respondes|hablas|dices)",
    pretend="finge (?:que eres|ser|que)|finjas|haz como si (?:fueras|eres|no)"
    "|actua como (?:si|un|una)|juguemos a que (?:eres|tu)|imagina que eres"
    "|simula (?:ser|que eres)|interpreta (?:el papel|a)|hazte pasar por"
    "|ahora eres (?:dan|una ia|un bot|un asistente|libre|otr[oa])"
    "|modo (?:desarrollador|dan|sin restricciones|sin filtros)",
    ai="ia|inteligencia artificial|bot|asistente|modelo|chatbot",
    without="sin|libre de|que no tiene|que no tenga",
    no_rules="reglas|restricciones|filtros|limites|censura|normas|etica|moral|limitaciones",
    leak="revela|revelame|muestra|muestrame|dime|dame|ensename|imprime|repite|comparte|cual es"
    "|cuales son|escribe|copia|pasame|di\\b",
    leak_nouns="prompt|instrucciones|reglas|directrices|mensaje del sistema|programacion"
    "|configuracion|indicaciones|normas internas",
    leak_prior="del sistema|ocultas|ocultos|secretas|secretos|originales|iniciales|internas"
    "|internos|de sistema",
    articles="el|la|las|los",
    new_rule="nuevas? (?:regla|reglas|instruccion|instrucciones|orden|ordenes|directriz"
    "|directrices|norma|normas)",
    from_="de|del|desde|por parte de",
    authority="los desarrolladores|desarrolladores|devs?|moderadores|mods?|admins?"
    "|administradores?|creadores|staff|equipo|dueno|el streamer",
    message="(?:un |el )?(?:mensaje|aviso|comunicado|anuncio|nota)(?: oficial| urgente"
    "| importante)?",
    i_am_your="soy tu|somos tus",
    creator="creador|desarrollador|programador|admin|administrador|dueno|jefe|moderador|creadora",
    ask="dame|dime|dinos|cual es|revela|muestra|comparte|pasame|envia|manda|escribe|sabes",
    secrets="contrasena|clave|password|token|credenciales|api key",
    owners="del admin|del administrador|de administrador|de admin|del servidor|del bot"
    "|del stream|de root|del mod|del moderador|de los devs|tu|tus|del canal|de twitch",
)

FRENCH = Language(
    code="fr",
    name="French",
    override="ignore|ignorez|ignorer|oublie|oubliez|oublier|neglige|negligez|ne tiens pas compte"
    "|ne tenez pas compte|fais abstraction|faites abstraction|passe outre|passez outre"
    "|outrepasse|outrepassez|contourne|contournez|ne suis plus|ne suivez plus|laisse tomber"
    "|laissez tomber|abandonne|abandonnez",
    determiners="toutes|tous|tout|les|des|de|d|la|le|l|aux|ces|du",
    possessives="tes|vos|ta|ton|votre",
    nouns="instructions|instruction|regles|consignes|directives|indications|ordres"
    "|restrictions|limitations|programmation|prompt|filtres|lignes directrices",
    prior="precedentes|precedents|anterieures|initiales|originales|ci dessus|du systeme"
    "|systeme|d avant|de securite",
    given="qu on t a (?:donnees|donne|dites)|que tu as recues?|qui t ont ete donnees",
    all="toutes|tout|tous",
    strong="instructions|consignes|directives|programmation|restrictions",
    from_now="a partir de maintenant|desormais|dorenavant|a partir d aujourd hui"
    "|des maintenant|a present",
    directives="tu es|tu seras|tu vas|tu dois|tu devras|vous etes|vous devez|vous allez"
    "|tu reponds|reponds|repondez|parle|parlez|agis|agissez|ignore|oublie|dis\\b|dites"
    "|appelle moi|tu n es plus|tu n obeis",
    pretend="fais semblant (?:d etre|que tu es|que tu)|faites semblant (?:d etre|que vous)"
    "|joue le role (?:d|de)|jouez le role"
    "|(?:agis|agissez|comporte toi|comportez vous) comme (?:si|un|une)"
    "|imagine que tu es (?:une ia|un bot|libre|sans|dan)|fais comme si tu (?:etais|n avais)"
    "|tu es maintenant (?:dan|une ia|un bot|libre|un autre|une autre|sans)"
    "|mode (?:developpeur|dan|sans restrictions|sans filtre)",
    ai="ia|intelligence artificielle|bot|assistant|modele|chatbot",
    without="sans|libre de|qui n a pas de|qui n a aucune?|depourvue? de",
    no_rules="regles|restrictions|filtres|limites|censure|ethique|morale|limitations",
    leak="montre|montre moi|montrez moi|donne|donne moi|donnez moi|revele|revelez|affiche"
    "|dis moi|dites moi|repete|repetez|ecris|ecrivez|partage|partagez|quel est|quelle est"
    "|quelles sont|quels sont|recopie|imprime|cite",
    leak_nouns="prompt|instructions|consignes|regles|directives|message systeme|programmation"
    "|configuration",
    leak_prior="systeme|du systeme|cachees|caches|secretes|secrets|initiales|initial"
    "|originales|internes",
    articles="le|la|les|l",
    new_rule="nouvelles? (?:regle|regles|instruction|instructions|consigne|consignes|directive"
    "|directives)",
    from_="de|des|du|de la part des?|par",
    authority="developpeurs|devs?|moderateurs|modos?|mods?|admins?|administrateurs?|createurs"
    "|staff|l equipe|equipe|proprietaire",
    message="(?:un |le )?(?:message|avis|communique|annonce|note)(?: officiel(?:le)?"
    "| urgent| important)?",
    i_am_your="je suis ton|je suis votre|nous sommes tes|nous sommes vos",
    creator="createur|developpeur|programmeur|admin|administrateur|proprietaire|maitre"
    "|moderateur|createurs|developpeurs",
    ask="donne|donne moi|dis moi|dites moi|quel est|revele|montre|partage|envoie|ecris|tu connais",
    secrets="mot de passe|mdp|cle api|cle d api|token|jeton|identifiants",
    owners="de l admin|admin|de l administrateur|du serveur|du bot|du stream|root|du modo"
    "|du moderateur|des devs|ton|ta|tes|votre|du compte|de twitch",
)

GERMAN = Language(
    code="de",
    name="German",
    override="ignoriere|ignorier|ignorieren sie|ignoriert|vergiss|vergessen sie|vergesst"
    "|missachte|missachten sie|uberspringe|ubergehe|umgehe|verwirf|verwerfen sie"
    "|befolge nicht|folge nicht|setze ausser kraft|setz ausser kraft",
    determiners="alle|die|den|das|der|jegliche|samtliche|jede|jeden|von|all",
    possessives="deine|deinen|deiner|dein|ihre|ihren|eure",
    nouns="anweisungen|anweisung|instruktionen|regeln|befehle|vorgaben|richtlinien"
    "|einschrankungen|programmierung|prompt|systemprompt|systemanweisungen|vorschriften"
    "|filter|anordnungen|beschrankungen",
    prior="vorherigen|vorigen|bisherigen|obigen|fruheren|alten|ursprunglichen"
    "|vorangegangenen|bestehenden|internen|vorherige|bisherige|obige|fruhere|ursprungliche",
    given="die (?:dir|ihnen|euch) (?:\\w+ )?(?:gegeben|gesagt|beigebracht|vorgegeben) (?:wurden"
    "|hat|haben|worden sind)|die du (?:bekommen|erhalten) hast",
    all="alle|jegliche|samtliche|all",
    strong="anweisungen|instruktionen|richtlinien|programmierung|vorgaben|einschrankungen"
    "|systemprompt|systemanweisungen",
    from_now="ab jetzt|ab sofort|von nun an|von jetzt an|ab heute|ab diesem moment|fortan|kunftig",
    directives="bist du|wirst du|musst du|sollst du|antwortest du|sprichst du|du bist|du wirst"
    "|du musst|du sollst|antworte|sprich|sag|ignoriere|vergiss|verhalte dich|handle"
    "|nenn mich|gehorche|redest du",
    pretend="(?:tu|tue|tun sie) so als (?:ob|warst|waerst|seist)"
    "|(?:spiel|spiele|spielen sie) (?:die rolle|den|eine)\\b|stell dir vor du (?:bist|warst"
    "|hast keine)|verhalte dich wie (?:ein|eine)|gib dich als"
    "|du bist jetzt (?:dan|eine ki|ein bot|frei|ein anderer|eine andere|ohne)"
    "|entwicklermodus|(?:dan|entwickler) modus",
    ai="ki|kunstliche intelligenz|bot|assistent|modell|chatbot|ai",
    without="ohne|frei von|die keine|der keine|mit keinen",
    no_rules="regeln|einschrankungen|filter|grenzen|zensur|ethik|moral|beschrankungen|richtlinien",
    leak="zeig|zeige|zeig mir|zeige mir|gib|gib mir|nenn|nenne|verrat|verrate|sag|sag mir"
    "|wiederhole|schreib|schreibe|was ist|was sind|wie lautet|wie lauten|kopiere|drucke|teile",
    leak_nouns="system ?prompt|prompt|anweisungen|instruktionen|regeln|vorgaben|richtlinien"
    "|systemnachricht|programmierung|konfiguration|systemanweisungen",
    leak_prior="system|versteckten|geheimen|ursprunglichen|internen|ersten|initialen|vorherigen",
    articles="den|die|das",
    new_rule="neue (?:regel|regeln|anweisung|anweisungen|vorgabe|vorgaben|richtlinie"
    "|richtlinien|befehle)",
    from_="von|vom|von den|seitens",
    authority="entwicklern|entwickler|devs?|mods?|moderatoren|admins?|administratoren|staff"
    "|team|machern|betreibern|ersteller",
    message="(?:eine |die )?(?:(?:offizielle|dringende|wichtige) )?(?:nachricht|mitteilung"
    "|ankundigung|durchsage|hinweis|notiz)",
    i_am_your="ich bin dein|ich bin deine|wir sind deine|ich bin euer",
    creator="entwickler|schopfer|ersteller|programmierer|admin|administrator|besitzer|meister"
    "|erschaffer|moderator|macher|entwicklerin",
    ask="gib|gib mir|sag|sag mir|nenn|nenne|verrat|verrate|was ist|wie lautet|zeig|schick|schreib",
    secrets="passwort|kennwort|api schlussel|api key|token|zugangsdaten|schlussel",
    owners="admins?|des admins|vom admin|root|des servers|vom server|des bots|vom bot"
    "|des streams|dein|deine|deinen|mods?|der mods|entwickler|server",
    adjective_first=True,
)

PORTUGUESE = Language(
    code="pt",
    name="Portuguese",
    override="ignore|ignora|ignorem|esqueca|esquece|esquecam|desconsidere|desconsidera"
    "|descarte|descarta|nao siga|pare de seguir|pule|despreze|deixe de lado|abandone",
    determiners="todas|todos|tudo|as|os|a|o|de|das|dos|quaisquer|qualquer",
    possessives="suas|seus|sua|seu|tuas|teus|tua|teu",
    nouns="instrucoes|instrucao|regras|diretrizes|orientacoes|ordens|comandos|restricoes"
    "|limitacoes|programacao|prompt|filtros|normas",
    prior="anteriores|previas|originais|iniciais|do sistema|acima|de antes|de seguranca",
    given="que (?:te|lhe) (?:deram|passaram|disseram)|que voce recebeu",
    all="todas|todos|tudo|quaisquer",
    strong="instrucoes|diretrizes|orientacoes|programacao|restricoes",
    from_now="a partir de agora|de agora em diante|daqui pra frente|daqui para frente"
    "|desde agora|a partir de hoje|doravante",
    directives="voce e|voce sera|voce vai|voce deve|voce tem que|voce so|tu es|tu vais"
    "|tu deves|responda|responde|fale|fala|aja|age|ignore|esqueca|diga|diz|me chame|obedeca"
    "|seja",
    pretend="(?:finja|finge|faca de conta|faz de conta) (?:que )?(?:voce |tu )?(?:e|es|seja"
    "|fosse|ser|eras|era)\\b|(?:aja|atue|age|comporte se) como (?:se|um|uma)"
    "|imagine que voce (?:e|fosse) (?:uma ia|um bot|livre|sem|dan)"
    "|(?:voce agora e|agora voce e) (?:dan|uma ia|um bot|livre|outr[ao])"
    "|modo (?:desenvolvedor|dan|sem restricoes|sem filtros)|interprete o papel"
    "|faca o papel",
    ai="ia|inteligencia artificial|bot|assistente|modelo|chatbot",
    without="sem|livre de|que nao tem",
    no_rules="regras|restricoes|filtros|limites|censura|etica|moral|limitacoes",
    leak="mostre|mostra|me mostre|me mostra|me de|me da|revele|revela|diga|diz|me diga|me diz"
    "|repita|repete|escreva|escreve|compartilhe|qual e|quais sao|imprima|copie|passa",
    leak_nouns="prompt|instrucoes|regras|diretrizes|mensagem do sistema|programacao"
    "|configuracao|orientacoes",
    leak_prior="do sistema|ocultas|ocultos|secretas|secretos|originais|iniciais|internas|internos",
    articles="o|a|os|as",
    new_rule="novas? (?:regra|regras|instrucao|instrucoes|ordem|ordens|diretriz|diretrizes"
    "|norma|normas)",
    from_="dos|das|do|da|de|por parte d[oa]s?|vinda d[oa]s?",
    authority="desenvolvedores|devs?|moderadores|mods?|admins?|administradores?|criadores"
    "|staff|equipe|dono|streamer",
    message="(?:uma |a )?(?:mensagem|aviso|comunicado|anuncio|nota)(?: oficial| urgente"
    "| importante)?",
    i_am_your="sou (?:o )?seu|sou (?:o )?teu|somos (?:os )?seus",
    creator="criador|desenvolvedor|programador|admin|administrador|dono|mestre|moderador|criadora",
    ask="me de|me da|me diga|me diz|me passa|qual e|revele|mostre|compartilhe|manda|envia"
    "|escreva|sabe",
    secrets="senha|chave de api|chave da api|api key|token|credenciais",
    owners="do admin|do administrador|de admin|do servidor|do bot|da live|do stream|de root"
    "|do mod|do moderador|dos devs|sua|seu|tua|teu|do canal|da twitch",
)

ITALIAN = Language(
    code="it",
    name="Italian",
    override="ignora|ignorate|ignori|dimentica|dimenticate|dimentichi|dimenticati|trascura"
    "|trascurate|non seguire|non seguite|salta|scarta|bypassa|lascia perdere|tralascia"
    "|smetti di seguire",
    determiners="tutte|tutti|tutto|le|gli|i|qualsiasi|ogni|di|delle|degli|la|il|lo|l",
    possessives="tue|tuoi|tua|tuo|sue|suoi|vostre|vostri",
    nouns="istruzioni|istruzione|regole|direttive|indicazioni|linee guida|ordini|comandi"
    "|restrizioni|limitazioni|programmazione|prompt|filtri|norme",
    prior="precedenti|anteriori|originali|iniziali|di sistema|del sistema|sopra|di prima"
    "|di sicurezza|ricevute",
    given="che ti (?:hanno dato|hanno detto|sono state date)|che hai ricevuto",
    all="tutte|tutti|tutto|qualsiasi",
    strong="istruzioni|direttive|indicazioni|programmazione|restrizioni|linee guida",
    from_now="d ora in poi|da ora in poi|da adesso(?: in poi)?|d ora in avanti"
    "|da questo momento(?: in poi)?|a partire da ora|da oggi(?: in poi)?",
    directives="sei|sarai|devi|dovrai|rispondi|risponderai|parla|parlerai|comportati|ignora"
    "|dimentica|di\\b|dirai|chiamami|obbedisci|non sei piu|tu sei",
    pretend="(?:fingi|fai finta|fate finta) (?:di essere|che sei|che tu sia|di)"
    "|(?:immagina|immaginate) (?:di essere|che tu sia) (?:una ia|un bot|libero|senza|dan)"
    "|recita la parte|(?:interpreta|impersona) (?:il ruolo|un|una)"
    "|comportati come (?:se|un|una)|ora sei (?:dan|una ia|un bot|libero|un altro|un altra)"
    "|modalita (?:sviluppatore|dan|senza restrizioni|senza filtri)",
    ai="ia|intelligenza artificiale|bot|assistente|modello|chatbot",
    without="senza|libero da|libera da|che non ha|priva? di",
    no_rules="regole|restrizioni|filtri|limiti|censura|etica|morale|limitazioni",
    leak="mostrami|mostra|dammi|dimmi|rivela|rivelami|ripeti|scrivi|condividi|qual e"
    "|quali sono|stampa|copia|dicci|elenca",
    leak_nouns="prompt|istruzioni|regole|direttive|messaggio di sistema|programmazione"
    "|configurazione|indicazioni",
    leak_prior="di sistema|del sistema|nascoste|nascosti|segrete|segreti|originali|iniziali"
    "|interne|interni",
    articles="il|la|le|i|gli|lo",
    new_rule="nuov[ae] (?:regola|regole|istruzione|istruzioni|direttiva|direttive|norma|norme)",
    from_="dagli|dai|degli|dei|da|dal|dallo|della|dalla|da parte d(?:egli|ei|el)",
    authority="sviluppatori|devs?|moderatori|mods?|admin|amministratori|amministratore"
    "|creatori|staff|team|proprietario|streamer",
    message="(?:un |il )?(?:messaggio|avviso|comunicato|annuncio|nota)(?: ufficiale"
    "| urgente| importante)?",
    i_am_your="sono il tuo|sono la tua|siamo i tuoi",
    creator="creatore|sviluppatore|programmatore|admin|amministratore|padrone|capo"
    "|moderatore|creatrice",
    ask="dammi|dimmi|qual e|rivela|mostra|mostrami|condividi|passami|mandami|scrivi|sai",
    secrets="password|parola d ordine|chiave api|chiave dell api|api key|token|credenziali",
    owners="dell admin|dell amministratore|di admin|del server|del bot|della live"
    "|dello stream|di root|del mod|del moderatore|degli sviluppatori|tua|tuo|tue|tuoi"
    "|del canale|di twitch",
)

RUSSIAN = Language(
    code="ru",
    name="Russian",
    override="игнорируй|игнорируйте|проигнорируй|проигнорируйте|забудь|забудьте"
    "|не обращай внимания на|не обращайте внимания на|не слушай|отбрось|отбросьте|отмени"
    "|отмените|пропусти|обойди|не следуй|не соблюдай"
    "|перестань (?:следовать|соблюдать|слушать)|наплюй на",
    determiners="все|всё|всех|эти|любые|на|всю|весь",
    possessives="свои|твои|ваши|своих|твоих|ваших|свой|твой",
    nouns="инструкци\\w*|указани\\w*|правил\\w*|команд\\w*|ограничени\\w*|директив\\w*"
    "|настройк\\w*|промпт\\w*|установк\\w*|программ\\w*|запрет\\w*|фильтр\\w*",
    prior="предыдущ\\w*|прежн\\w*|прошл\\w*|предшествующ\\w*|изначальн\\w*|исходн\\w*"
    "|системн\\w*|стар\\w*|вышеуказанн\\w*|вышеизложенн\\w*|полученн\\w*",
    given="которые тебе (?:дали|сказали|задали)|данные тебе",
    all="все|всё|всех|любые",
    strong="инструкци\\w*|указани\\w*|ограничени\\w*|директив\\w*|промпт\\w*|установк\\w*",
    from_now="с этого момента|отныне|с сегодняшнего дня|впредь|начиная с этого момента"
    "|с этой минуты|теперь",
    directives="ты будешь|ты должен|ты должна|ты обязан\\w*|ты являешься|ты больше не"
    "|отвечай|говори|веди себя|игнорируй|забудь|называй|тво[её] имя|ты —|ты -",
    pretend="притворись|притворитесь|сделай вид|сделайте вид|играй роль|сыграй роль"
    "|веди себя как|представь,? что ты (?:\\w+ )?(?:ии без|без правил|без ограничений"
    "|не ии|злой|свободн\\w*|dan)|ты теперь (?:dan|другой|другая|свободн\\w*|без|не ии|злой)"
    "|режим (?:разработчика|dan|без ограничений|без цензуры)",
    ai="ии|бот|ассистент|модель|нейросеть|искусственный интеллект|чатбот|ai",
    without="без|свободн\\w* от|у которого нет|у которой нет|не имеющ\\w*",
    no_rules="правил\\w*|ограничени\\w*|фильтр\\w*|цензур\\w*|морал\\w*|этик\\w*|запрет\\w*",
    leak="покажи|покажите|скажи|скажите|дай|дайте|выведи|выведите|напиши|напишите|повтори"
    "|повторите|раскрой|раскройте|какие|какой|каков\\w*|процитируй|перескажи|распечатай"
    "|поделись",
    leak_nouns="промпт\\w*|инструкци\\w*|правил\\w*|указани\\w*|настройк\\w*"
    "|сообщени\\w*|программ\\w*",
    leak_prior="системн\\w*|скрыт\\w*|исходн\\w*|изначальн\\w*|секретн\\w*|внутренн\\w*"
    "|первоначальн\\w*",
    articles="эти|те",
    new_rule="нов\\w* (?:правил\\w*|инструкци\\w*|указани\\w*|приказ\\w*|директив\\w*)",
    from_="от|со стороны",
    authority="разработчик\\w*|модератор\\w*|админ\\w*|создател\\w*|команд\\w*|владел\\w*"
    "|стример\\w*|девелопер\\w*",
    message="(?:официальн\\w* |срочн\\w* |важн\\w* )?(?:сообщение|обращение|уведомление"
    "|объявление|послание|заметка)",
    i_am_your="я твой|я твоя|мы твои|я ваш",
    creator="создатель|разработчик|программист|админ\\w*|хозяин|владелец|модератор"
    "|создательница|разработчица",
    ask="скажи|дай|назови|покажи|пришли|отправь|какой|раскрой|выдай|напиши|сообщи",
    secrets="пароль|пароля|ключ api|api ключ|апи ключ|токен|логин и пароль|уч[её]тные данные",
    owners="админ\\w*|администратор\\w*|сервер\\w*|бот\\w*|стрим\\w*|root|рут\\w*"
    "|модератор\\w*|разработчик\\w*|твой|свой|ваш",
    adjective_first=True,
    view="folded",
)

LANGUAGES = (SPANISH, FRENCH, GERMAN, PORTUGUESE, ITALIAN, RUSSIAN)

# Only the "ignore your previous instructions" family and prompt requests, in languages
# the full categories do not cover yet.
FAMILY = (
    rule(
        "override-nl",
        "override",
        "asks QAI to ignore its instructions (Dutch)",
        r"\b(?:negeer|vergeet|ignoreer|omzeil|overschrijf) (?:al(?:le)? )?(?:de )?(?:vorige"
        r"|eerdere|voorgaande|oorspronkelijke|bovenstaande|je|jouw) (?:\w+ )?(?:instructies"
        r"|regels|richtlijnen|opdrachten|prompt|beperkingen)",
        r"\bvanaf nu (?:ben je|moet je|ga je|antwoord|spreek|zeg je|jij bent)",
        r"\bdoe alsof (?:je|jij) (?:een|geen|nu)\b",
        r"\b(?:laat|toon) (?:me )?(?:je|jouw) (?:systeem ?)?prompt",
    ),
    rule(
        "override-pl",
        "override",
        "asks QAI to ignore its instructions (Polish)",
        r"\b(?:zignoruj|ignoruj|zapomnij|pomin|olej) (?:o )?(?:wszystkie |wszystkich |wszystko )?"
        r"(?:poprzedni|wczesniejsz|swoj|twoj|dotychczasow|powyzsz)\w* (?:instrukcj|zasad|polecen"
        r"|regu[lł]|wytyczn|ograniczen)",
        r"\bod teraz (?:jestes|musisz|bedziesz|odpowiadaj|mow)",
        r"\budawaj,? ze (?:jestes|nie masz)",
        r"\bpokaz (?:mi )?(?:swoj|twoj)\w* (?:systemowy )?prompt",
    ),
    rule(
        "override-tr",
        "override",
        "asks QAI to ignore its instructions (Turkish)",
        r"\b(?:onceki|tum|butun|yukaridaki|eski) (?:\w+ )?(?:talimat|kural|yonerge|komut)\w* "
        r"(?:yok say|gormezden gel|unut|dikkate alma|umursama)",
        r"\bsistem (?:istemini|promptunu|mesajini|talimatlarini) (?:goster|soyle|yaz|ver)",
    ),
    rule(
        "override-zh",
        "override",
        "asks QAI to ignore its instructions (Chinese)",
        r"(?:忽略|无视|忽视|無視|忘记|忘記|忘掉|不要理会|不要遵守)(?:你)?(?:之前|以前|上面|先前|前面|所有|全部"
        r"|一切)(?:的)?(?:所有|全部)?(?:指令|指示|说明|說明|规则|規則|提示|设定|設定|要求)",
        r"(?:从现在开始|從現在開始|从现在起|從現在起)[,，]?你(?:是|要|必须|必須|将|將|只)",
        r"(?:显示|顯示|告诉我|告訴我|输出|輸出|重复|重複|打印)(?:你的)?(?:系统|系統)?(?:提示词|提示詞|指令|消息"
        r"|訊息|初始指令)",
        view="folded",
    ),
    rule(
        "override-ja",
        "override",
        "asks QAI to ignore its instructions (Japanese)",
        r"(?:以前|前|上記|これまで|今まで)の(?:すべての|全ての|全部の)?(?:指示|命令|ルール|指令|設定)を(?:無視|忘れ)",
        r"(?:システムプロンプト|初期指示|最初の指示)を(?:見せ|教え|表示|出力)",
        view="folded",
    ),
)

RULES = (*(r for language in LANGUAGES for r in language.rules()), *FAMILY)
