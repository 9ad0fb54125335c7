/**
 * German, Italian, Portuguese and Dutch attack rules on the accent-stripped word view
 * (`ä` → `a`, `ß` → `ss`), plus a few rules for non-Latin scripts (Russian, Chinese, Japanese)
 * matched on the un-folded view.
 */
import { W, type RuleSpec } from './engine.js';

const DE_NOUN = '(?:anweisungen|anweisung|instruktionen|befehle|regeln|richtlinien|vorgaben|anordnungen|einschrankungen|programmierung|prompts?|systemprompt|systemanweisungen|vorschriften|sicherheitsrichtlinien|beschrankungen|filter)';
const DE_ADJ = '(?:(?:vorherig|vorig|bisherig|obig|vorangegangen|vorangehend|fruher|vorhergehend|ursprunglich|anfanglich|alt|gegeben|ersten|initial)(?:e|en|er|es)?|oben genannten|system)';
const DE_OV = '(?:ignoriere|ignorier|ignorieren sie|ignoriert|ignorieren|vergiss|vergessen sie|vergesst|missachte|missachten sie|missachtet|uberspringe|ubergehe|verwirf|verwerfen sie|setze|hebe|beachte|befolge|folge|hor auf mit)';
const DE_OV_A = 'ignoriere ignorier ignorieren ignoriert vergiss vergessen vergesst missachte missachten missachtet uberspringe ubergehe verwirf verwerfen setze hebe beachte befolge folge hor';
const DE_UNF = '(?:ohne (?:jegliche |irgendwelche |alle |jede |deine )?(?:einschrankungen|einschrankung|filter|zensur|grenzen|regeln|beschrankungen|richtlinien|moral|ethik)|ungefiltert(?:e|er|es)?|unzensiert(?:e|er|es)?|uneingeschrankt(?:e|er|es)?|bose(?:r|s)? (?:ki|assistent|bot)|frei von (?:allen |jeglichen )?(?:regeln|einschrankungen|filtern))';

const IT_NOUN = '(?:istruzioni|istruzione|regole|indicazioni|direttive|ordini|restrizioni|limitazioni|prompt|linee guida|impostazioni|programmazione|vincoli)';
const IT_ADJ = '(?:precedenti|precedente|iniziale|originale|iniziali|originali|di sistema|del sistema|sopra|ricevute|di sicurezza|date)';
const IT_OV = '(?:ignora|ignorare|ignori|ignorate|dimentica|dimenticare|dimentichi|dimenticate|trascura|tralascia|non seguire|non rispettare|salta|scavalca|bypassa|annulla)';
const IT_OV_A = 'ignora ignorare ignori ignorate dimentica dimenticare dimentichi dimenticate trascura tralascia seguire rispettare salta scavalca bypassa annulla';
const PT_NOUN = '(?:instrucoes|instrucao|regras|diretrizes|ordens|restricoes|limitacoes|prompt|orientacoes|programacao|comandos|politicas)';
const PT_ADJ = '(?:anteriores|anterior|previas|previa|inicial|original|iniciais|originais|do sistema|de sistema|acima|recebidas|de seguranca|dadas)';
const PT_OV = '(?:ignore|ignora|ignorar|ignorem|esqueca|esquece|esquecer|esquecam|desconsidere|desconsidera|desconsiderar|despreze|descarte|nao siga|nao obedeca|pule|anule)';
const PT_OV_A = 'ignore ignora ignorar ignorem esqueca esquece esquecer esquecam desconsidere desconsidera desconsiderar despreze descarte siga obedeca pule anule';
const ITPT_UNF = '(?:senza (?:alcuna |alcun |nessuna |nessun |le tue )?(?:filtri|filtro|restrizioni|censura|limiti|limitazioni|regole|etica)|sem (?:nenhuma |nenhum |qualquer |suas )?(?:filtros?|restricoes|censura|limites|limitacoes|regras|etica)|non filtrat[oa]|non censurat[oa]|sem censura|sem filtro|malvagi[oa]|malvad[oa])';

/** German rules. */
export const DE_RULES: readonly RuleSpec[] = [
  ['de.override', 'prompt_injection', 1, '^^' + DE_OV_A, `\\b${DE_OV} (?:(?:alle|deine|ihre|die|den|der|dich|mal|bitte|jetzt|nun|samtliche|diese|von|an) ){0,3}${DE_ADJ} (?:${W}){0,1}?${DE_NOUN}\\b`],
  ['de.override.deine', 'prompt_injection', 1, '^^' + DE_OV_A, `\\b${DE_OV} (?:(?:alle|bitte|jetzt|nun|samtliche) ){0,2}(?:deine|ihre|eure) (?:${W}){0,1}?${DE_NOUN}\\b`],
  ['de.override.verb_last', 'prompt_injection', 1, 'ignorieren vergessen missachten beachten ignoriert vergisst ignoriere vergiss ausser kraft', `\\b(?:alle|deine|ihre|die|samtliche) (?:${W}){0,1}?${DE_ADJ}? ?${DE_NOUN} (?:${W}){0,2}?(?:ignorieren|vergessen|missachten|nicht (?:mehr )?beachten|nicht (?:mehr )?befolgen|ignoriert|vergisst|ausser kraft setzen|gelten nicht mehr|sind ungultig|sind aufgehoben)\\b`],
  ['de.override.alles', 'prompt_injection', 1, '^^vergiss vergessen ignoriere ignorieren ignorier', `\\b(?:vergiss|vergessen sie|ignoriere|ignorieren sie|ignorier) (?:einfach )?alles (?:was (?:oben steht|vorher (?:gesagt|kam|stand)|dir (?:vorher |bisher )?gesagt wurde|du (?:bisher |vorher )?(?:gelernt|gehort) hast|davor (?:kam|stand))|bisherige|vorherige|davor|oben|zuvor gesagte|bisher gesagte)\\b`],
  ['de.new', 'prompt_injection', 0.45, 'neue neuen eigentliche', `\\b(?:neue anweisungen|neue anweisung|deine neue (?:aufgabe|rolle|anweisung)|deine eigentliche aufgabe|neue instruktionen)\\b`],
  ['de.from_now', 'prompt_injection', 0.4, 'ab sofort jetzt', `\\b(?:ab (?:jetzt|sofort)|von nun an|ab heute) (?:bist du|wirst du|antwortest du|ignorierst du|du bist|musst du|sollst du)\\b`],
  ['de.extract', 'system_prompt_extraction', 1, 'systemprompt prompt systemnachricht anweisungen instruktionen vorgaben systemanweisungen',
    `\\b(?:zeige|zeig|zeigen sie|gib|geben sie|nenne|nennen sie|verrate|verraten sie|wiederhole|wiederholen sie|drucke|gib mir|schreibe|schreib|offenbare|enthulle|teile|kopiere|was ist|was sind|was war|was waren|wie lautet|wie lauten|liste) (?:mir |uns )?(?:bitte )?(?:genau |wortlich |vollstandig )?(?:deinen|deine|dein|den|die|ihre|ihren|das) (?:${W}){0,1}?(?:system ?prompt|systemprompt|systemnachricht|system nachricht|systemanweisungen|system anweisungen|(?:anfanglichen|ursprunglichen|versteckten|geheimen|initialen|internen|ersten|vollstandigen) (?:anweisungen|instruktionen|vorgaben|prompt|regeln))\\b`],
  ['de.extract.deine', 'system_prompt_extraction', 0.7, 'anweisungen instruktionen prompt vorgaben', `\\b(?:zeige|zeig|gib|nenne|verrate|wiederhole|drucke|schreibe|offenbare|enthulle|teile|was sind|wie lauten) (?:mir )?(?:bitte )?(?:deine|ihre|deinen) (?:anweisungen|instruktionen|prompt|vorgaben)\\b`],
  ['de.extract.oben', 'system_prompt_extraction', 1, 'oben obigen vorherigen', `\\b(?:wiederhole|wiederholen sie|drucke|gib|zeige|kopiere|schreibe) (?:mir )?(?:den |die |alle )?(?:text|nachricht|inhalt|alles|worte) (?:von )?(?:oben|uber dieser|obigen|vorherigen)\\b`],
  ['de.extract.stem', 'system_prompt_extraction', 1, 'systemprompt systemnachricht systemanweisungen anfanglichen ursprunglichen versteckten geheimen initialen internen',
    `\\b(?:zeig|gib|geb|nenn|verrat|wiederhol|druck|schreib|offenbar|enthull|teil|kopier|was|wie|list|ubersetz|fass|sag)[a-z]* (?:${W}){0,3}?(?:deinen|deine|dein|den|die|ihre|ihren|das|deinem|dem) (?:${W}){0,1}?(?:system ?prompt|systemprompt|systemnachricht|systemanweisungen|(?:anfanglichen|ursprunglichen|versteckten|geheimen|initialen|internen|ersten) (?:anweisungen|instruktionen|vorgaben|prompt|regeln))\\b`],
  ['de.extract.steht', 'system_prompt_extraction', 1, 'steht stehen ist sind', `\\b(?:was|was genau|welche anweisungen) (?:steht|stehen|ist|sind) (?:genau )?in (?:deinem|ihrem|dem|deinen|ihren|den) (?:system ?prompt|systemprompt|systemanweisungen|anweisungen|prompt|vorgaben)\\b`],
  ['de.sysnoun', 'system_prompt_extraction', 0.3, 'systemprompt system', `\\b(?:dein|deinen|deinem|ihr|ihren|ihrem) (?:system ?prompt|systemprompt|systemnachricht|systemanweisungen)\\b`],
  ['de.jb.du_bist', 'jailbreak', 1, 'bist sind handle handeln verhalte tu spiele sei werde',
    `\\b(?:du bist (?:jetzt|nun|ab sofort|ab jetzt|von nun an)|sie sind (?:jetzt|nun|ab sofort)|du bist|handle als|handeln sie als|verhalte dich (?:wie|als)|tu so als (?:ob|waerst|warst) du|spiele|sei|werde) (?:ein |eine |einen )?(?:${W}){0,2}?${DE_UNF}\\b`],
  ['de.jb.ohne', 'jailbreak', 0.5, 'ohne ungefiltert ungefilterte unzensiert unzensierte uneingeschrankt uneingeschrankte frei bose', `\\b${DE_UNF}\\b`],
  ['de.jb.modus', 'jailbreak', 0.8, 'entwicklermodus entwickler gottmodus modus', `\\b(?:entwicklermodus|entwickler modus|gottmodus|dan modus|jailbreak modus|uneingeschrankter modus)\\b`],
  ['de.jb.nicht_mehr', 'jailbreak', 0.8, 'mehr', `\\b(?:du bist|sie sind) (?:nicht mehr|kein) (?:an (?:regeln|richtlinien) gebunden|eingeschrankt|ein assistent|eine ki|chatgpt|claude|gebunden)\\b`],
  ['de.jb.keine', 'jailbreak', 0.9, 'keine', `\\b(?:du hast|sie haben) (?:ab jetzt |jetzt |nun )?keine (?:regeln|einschrankungen|grenzen|filter|moral|ethik|zensur|richtlinien)\\b`],
  ['de.jb.deaktiviere', 'jailbreak', 1, 'deaktiviere deaktivieren umgehe umgehen ignoriere schalte', `\\b(?:deaktiviere|deaktivieren sie|umgehe|umgehen sie|ignoriere|schalte) (?:alle )?(?:deine|ihre|die) (?:sicherheitsfilter|filter|sicherheitsrichtlinien|einschrankungen|schutzmassnahmen|inhaltsfilter|richtlinien|regeln)(?: aus| ab)?\\b`],
  ['de.ind.hinweis', 'prompt_injection', 0.8, 'hinweis nachricht anweisung anweisungen achtung notiz', `\\b(?:hinweis|nachricht|anweisung|anweisungen|achtung|notiz|wichtig) (?:an|fur) (?:die |den |das |jede |jeden )?(?:ki|kunstliche intelligenz|assistenten|assistent|ki assistenten|sprachmodell|chatbot|bot|agenten|modell)\\b`],
  ['de.ind.wenn_du', 'prompt_injection', 0.6, 'wenn falls', `\\b(?:wenn|falls) (?:du|sie) (?:eine |ein )?(?:ki|kunstliche intelligenz|sprachmodell|assistent|chatbot|bot) (?:bist|sind)\\b`],
  ['de.ind.zusammenfassen', 'prompt_injection', 0.5, 'zusammenfassung zusammenfasst zusammenfassen', `\\b(?:beim zusammenfassen|wenn du (?:dies|das|diesen text|dieses dokument) zusammenfasst|statt zusammenzufassen|anstatt zusammenzufassen|bei der zusammenfassung)\\b`],
  ['de.ind.sag_nicht', 'prompt_injection', 0.7, 'sag sage sagen erwahne erwahnen informiere informieren', `\\b(?:sag|sage|sagen sie|erwahne|erwahnen sie|informiere|informieren sie) (?:dem|den) (?:benutzer|nutzer|user|anwender|kunden) (?:davon |dies |das |es )?(?:nicht|nichts)\\b`],
  ['de.ind.ki_muss', 'prompt_injection', 0.6, 'muss soll', `\\b(?:die ki|der assistent|das modell|der agent) (?:muss|soll) (?:jetzt |immer |ab sofort )?(?:${W}){0,3}?(?:ignorieren|sagen|antworten|verraten|senden|schicken|empfehlen|schreiben)\\b`],
];

/** Italian, Portuguese and Dutch rules. */
export const IT_PT_NL_RULES: readonly RuleSpec[] = [
  ['it.override', 'prompt_injection', 1, '^^' + IT_OV_A, `\\b${IT_OV} (?:(?:tutte|tutti|le|gli|i|tue|tuoi|sue|di|la|il|qualsiasi|queste) ){0,3}${IT_NOUN} (?:${W}){0,1}?${IT_ADJ}\\b`],
  ['it.override.tue', 'prompt_injection', 1, '^^' + IT_OV_A, `\\b${IT_OV} (?:(?:tutte|tutti|le|i) ){0,2}(?:tue|tuoi|sue|suoi) (?:${W}){0,1}?${IT_NOUN}\\b`],
  ['it.override.tutto', 'prompt_injection', 1, '^^' + IT_OV_A, `\\b${IT_OV} (?:tutto (?:quello che|cio che) (?:ti e stato detto|hai ricevuto|precede|e scritto sopra)|tutto il resto|tutto cio che precede|quanto sopra)\\b`],
  ['it.extract', 'system_prompt_extraction', 1, 'prompt istruzioni messaggio',
    `\\b(?:mostra|mostrami|rivela|rivelami|dimmi|stampa|ripeti|scrivi|scrivimi|dammi|condividi|qual e|quali sono|svela|copia) (?:il |la |le |i )?(?:tuo |tua |tue |tuoi )?(?:${W}){0,1}?(?:prompt|istruzioni|messaggio) (?:di sistema|del sistema|iniziali|originali|nascoste|segrete|interne)\\b`],
  ['it.extract.stem', 'system_prompt_extraction', 1, 'sistema iniziali originali nascoste segrete interne',
    `\\b(?:mostr|rivel|dim|dir|stamp|ripet|scriv|dam|dar|condivid|qual|svel|copi|elenc|tradu|riassum)[a-z]* (?:${W}){0,2}?(?:il|la|le|i|tuo|tua|tue|tuoi|il tuo|la tua|le tue|i tuoi) (?:${W}){0,1}?(?:prompt|istruzioni|messaggio|regole|impostazioni) (?:di sistema|del sistema|iniziali|originali|nascoste|segrete|interne)\\b`],
  ['it.jb.sei', 'jailbreak', 1, 'sei ora comportati agisci fingi diventa', `\\b(?:ora sei|adesso sei|da ora in poi sei|sei|comportati come|agisci come|fingi di essere|diventa) (?:un |una |l )?(?:${W}){0,2}?${ITPT_UNF}\\b`],
  ['it.jb.modo', 'jailbreak', 0.8, 'modalita', `\\bmodalita (?:sviluppatore|dio|senza restrizioni|senza filtri|dan|jailbreak|non censurata)\\b`],
  ['itpt.jb.senza', 'jailbreak', 0.5, 'senza sem non malvagio malvagia malvado malvada', `\\b${ITPT_UNF}\\b`],
  ['it.ind.nota', 'prompt_injection', 0.8, 'nota messaggio istruzione istruzioni attenzione', `\\b(?:nota|messaggio|istruzione|istruzioni|attenzione) (?:importante )?per (?:l ?|il |lo |qualsiasi )?(?:ia|lia|assistente|modello|chatbot|bot|agente)\\b`],
  ['it.ind.non_dire', 'prompt_injection', 0.7, 'dire dirlo informare menzionare', `\\bnon (?:dire|dirlo|informare|menzionare) (?:nulla |niente )?(?:all ?|a l ?)?(?:utente|lutente)\\b`],
  ['pt.override', 'prompt_injection', 1, '^^' + PT_OV_A, `\\b${PT_OV} (?:(?:todas|todos|as|os|suas|seus|tuas|teus|de|a|o|quaisquer|essas) ){0,3}${PT_NOUN} (?:${W}){0,1}?${PT_ADJ}\\b`],
  ['pt.override.suas', 'prompt_injection', 1, '^^' + PT_OV_A, `\\b${PT_OV} (?:(?:todas|todos|as|os) ){0,2}(?:suas|seus|tuas|teus) (?:${W}){0,1}?${PT_NOUN}\\b`],
  ['pt.override.tudo', 'prompt_injection', 1, '^^' + PT_OV_A, `\\b${PT_OV} tudo (?:o que (?:foi dito|te disseram|voce recebeu|esta acima|veio antes)|acima|anterior)\\b`],
  ['pt.extract', 'system_prompt_extraction', 1, 'prompt instrucoes mensagem',
    `\\b(?:mostre|mostra|mostrar|revele|revela|diga|diz|imprima|imprime|repita|repete|escreva|me de|me mostre|me diga|compartilhe|qual e|quais sao|exiba|exibe|copie) (?:me )?(?:o |a |as |os )?(?:seu |sua |suas |seus |teu |tua )?(?:${W}){0,1}?(?:prompt|instrucoes|mensagem) (?:do sistema|de sistema|iniciais|originais|ocultas|secretas|internas)\\b`],
  ['pt.extract.stem', 'system_prompt_extraction', 1, 'sistema iniciais originais ocultas secretas internas',
    `\\b(?:mostr|revel|dig|diz|imprim|repit|repet|escrev|compartilh|qual|quais|exib|copi|list|tradu|resum|me)[a-z]* (?:${W}){0,2}?(?:o|a|as|os|seu|sua|suas|seus|teu|tua|o seu|a sua|as suas|os seus) (?:${W}){0,1}?(?:prompt|instrucoes|mensagem|regras|configuracao|diretrizes) (?:do sistema|de sistema|iniciais|originais|ocultas|secretas|internas)\\b`],
  ['pt.jb.voce_e', 'jailbreak', 1, 'voce agora aja finja seja', `\\b(?:agora voce e|voce agora e|voce e|aja como|finja ser|seja) (?:um |uma |o |a )?(?:${W}){0,2}?${ITPT_UNF}\\b`],
  ['pt.jb.modo', 'jailbreak', 0.8, 'modo', `\\bmodo (?:desenvolvedor|deus|sem restricoes|sem filtros|dan|jailbreak|sem censura)\\b`],
  ['pt.ind.nota', 'prompt_injection', 0.8, 'nota mensagem instrucao instrucoes atencao', `\\b(?:nota|mensagem|instrucao|instrucoes|atencao) (?:importante )?para (?:a |o |qualquer )?(?:ia|assistente|modelo|chatbot|bot|agente)\\b`],
  ['pt.ind.nao_diga', 'prompt_injection', 0.7, 'diga conte informe mencione', `\\bnao (?:diga|conte|informe|mencione) (?:nada )?(?:ao|para o) (?:usuario|cliente|leitor)\\b`],
  ['nl.override', 'prompt_injection', 1, '^^negeer vergeet', `\\b(?:negeer|vergeet) (?:(?:alle|al|je|jouw|de|uw) ){0,2}(?:vorige|eerdere|voorgaande|bovenstaande|oorspronkelijke|originele)? ?(?:instructies|regels|richtlijnen|opdrachten|prompt)\\b`],
  ['nl.extract', 'system_prompt_extraction', 1, 'systeemprompt systeem prompt', `\\b(?:toon|laat|geef|herhaal|print|wat is|vertel) (?:mij |me )?(?:je|jouw|de|uw) (?:systeemprompt|systeem prompt|systeeminstructies|oorspronkelijke instructies|verborgen instructies)\\b`],
  // non-Latin scripts, on the un-folded view
  ['ru.override', 'prompt_injection', 1, '', '(?:игнорируй|игнорируйте|проигнорируй|проигнорируйте|забудь|забудьте|не обращай внимания на|отбрось|отмени)\\s+(?:все\\s+|всё\\s+)?(?:предыдущие|прежние|предшествующие|свои|твои|ваши|системные|изначальные|данные\\s+ранее|вышеуказанные)?\\s*(?:инструкции|указания|правила|команды|ограничения|установки)', 'native'],
  ['ru.extract', 'system_prompt_extraction', 1, '', '(?:покажи|выведи|раскрой|напиши|повтори|расскажи|скажи|дай)\\s+(?:мне\\s+)?(?:свой|твой|свои|твои|весь|свою|твою)?\\s*(?:системный\\s+промпт|системные\\s+инструкции|системное\\s+сообщение|исходные\\s+инструкции|начальные\\s+инструкции|скрытые\\s+инструкции)', 'native'],
  ['ru.jb', 'jailbreak', 1, '', '(?:ты\\s+теперь|теперь\\s+ты|отныне\\s+ты)\\s+[^.!?\\n]{0,40}?(?:без\\s+(?:ограничений|фильтров|цензуры|правил)|нецензурированн|неограниченн)', 'native'],
  ['ru.jb.mode', 'jailbreak', 0.8, '', 'режим\\s+(?:разработчика|бога|без\\s+ограничений|dan)', 'native'],
  ['zh.override', 'prompt_injection', 1, '', '(?:忽略|无视|忘记|忘掉|不要理会|不要遵守|无视掉)(?:你)?(?:之前|以上|先前|上面|前面|此前|所有|全部|一切|原来|原有|系统)(?:的)?(?:所有|全部)?(?:的)?(?:指令|指示|说明|规则|提示|要求|设定|命令|限制)', 'native'],
  ['zh.extract', 'system_prompt_extraction', 1, '', '(?:显示|输出|告诉我|打印|泄露|重复|展示|给我看|说出|透露)(?:一下)?(?:你的)?(?:系统提示词?|初始指令|系统指令|原始指令|隐藏指令|系统消息|预设提示)', 'native'],
  ['zh.jb', 'jailbreak', 0.8, '', '(?:开发者模式|越狱模式|没有任何限制|不受任何限制|无限制模式|解除(?:所有)?限制)', 'native'],
  ['ja.override', 'prompt_injection', 1, '', '(?:以前|前|上記|これまで|最初)の(?:すべての|全ての)?(?:指示|命令|ルール|指令|設定)を(?:すべて|全て)?(?:無視|忘れ)', 'native'],
  ['ja.extract', 'system_prompt_extraction', 1, '', '(?:システムプロンプト|初期指示|システム指示)を(?:表示|教え|出力|見せ|開示)', 'native'],
];
