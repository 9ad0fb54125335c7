/**
 * Concept word lists for the co-occurrence scorer (accent-stripped, lower case, apostrophes
 * removed, as in the word view). English first, then Spanish, French, German, Italian,
 * Portuguese and Dutch. A word may belong to several concepts.
 */

/** Concept bits. */
export const C = {
  OVERRIDE: 1 << 0,
  FOLLOW: 1 << 1,
  NEGATOR: 1 << 2,
  INSTR: 1 << 3,
  TEMPORAL: 1 << 4,
  FIRST: 1 << 5,
  NOLIM: 1 << 6,
  LIMIT: 1 << 7,
  UNF: 1 << 8,
  YOU: 1 << 9,
  AI: 1 << 10,
  PERSONA: 1 << 11,
  EXTRACT: 1 << 12,
  SYSWORD: 1 << 13,
  PNOUN: 1 << 14,
  SYSQUAL: 1 << 15,
  YOUR: 1 << 16,
  FILLER: 1 << 17,
  ADDR: 1 << 18,
  TOLD: 1 << 19,
  COMPOUND: 1 << 20,
  ROMOF: 1 << 21,
  IMPER: 1 << 22,
  ABOUT: 1 << 23,
  WEAKQUAL: 1 << 24,
  HOWTO: 1 << 25,
  READS: 1 << 26,
  OBJ: 1 << 27,
  REMOVAL: 1 << 28,
  SOFTINSTR: 1 << 29,
  BEMODAL: 1 << 30,
} as const;
/* SOURCE lives in the second mask word. */

/** Second-level concept bits (a separate mask word). */
export const C2 = {
  STATE: 1 << 0,
  RUNWITH: 1 << 1,
  POSTMARK: 1 << 2,
  AIROLE: 1 << 3,
  THIRD: 1 << 4,
  BOUNDARY: 1 << 5,
  CLAUSE: 1 << 6,
  SOURCE: 1 << 7,
  GENERIC: 1 << 8,
  SUBJECT: 1 << 9,
} as const;

/** Words of second-level concepts. */
export const LEXICON2: Readonly<Record<keyof typeof C2, string>> = {
  STATE: 'void voided null revoked rescinded cancelled canceled invalid invalidated obsolete overridden suspended lifted replaced superseded overwritten rewritten deleted removed erased wiped disabled terminated ended nul nulle nulles nulas nulos anuladas anulados annulees annules ungultig aufgehoben annullate nulle revogadas',
  RUNWITH: 'running operating working using loaded configured initialized initialised given set built programmed',
  POSTMARK: 'above before previously earlier far until given provided received beforehand prior anteriores anterior previas iniciales precedentes anterieures initiales vorher bisher precedenti anteriori',
  AIROLE: 'researcher researchers engineer engineers developer developers scientist scientists enthusiast enthusiasts company companies startup startups student students expert experts practitioner practitioners team teams professional professionals ethicist user users ethics safety policy product products',
  THIRD: 'ignores disregards forgets overrides bypasses skips discards abandons neglects cancels',
  SUBJECT: 'they he she it we people users models llms bots agents systems assistants ai model llm chatbots chatbot humans students kids',
  GENERIC: 'length limit limits size format token tokens field parameter variable template templates feature role syntax structure examples example type types engineering design api option options setting guide guides tips best vs versus versions injection leak leaks leakage',
  BOUNDARY: 'zzsb',
  SOURCE: 'developers developer creators creator operator operators admin admins administrator company system openai anthropic they owners owner makers',
  CLAUSE: 'appear appears appearing come comes coming exist exists show shows are is occur occurs found embedded',
};

/** Words of each concept. */
export const LEXICON: Readonly<Record<keyof typeof C, string>> = {
  OVERRIDE:
    'ignore ignoring ignored ignores disregard disregarding disregarded discard discarding discarded forget forgetting forgot forgotten bypass bypassing override overriding overridden overrule overwrite skip abandon neglect nevermind scrap scratch ditch drop dropping cancel cancelled canceled void reset erase wipe disobey defy circumvent ' +
    'ignora ignorar ignoren olvida olvidar olvide olviden olvidate omite omitir descarta descartar desobedece anula anular ' +
    'ignorez ignorer oublie oubliez oublier oublies neglige negligez contourne contournez annule annulez outrepasse ' +
    'ignoriere ignorieren ignoriert ignorier vergiss vergessen vergesst missachte missachten verwirf ubergehe uberspringe ' +
    'ignorare ignori ignorate dimentica dimenticare dimenticate trascura tralascia scavalca ' +
    'esqueca esquece esquecer esquecam desconsidere desconsidera desconsiderar despreze descarte negeer vergeet',
  FOLLOW: 'follow follows following obey obeys obeying respects count counts hold bother suivre folgen seguire listen adhere comply respect apply applies matter matters attention heed sigas seguir sigue obedezcas suis suivez respecte befolge befolgen folge beachte gelten seguire rispettare siga obedeca volg',
  NEGATOR: 'dont not never stop longer none cant cannot wont couldnt shouldnt didnt doesnt isnt arent deja dejes dejen arrete arretez arreter smetti smettila pare nicht kein keine pas ne nao non niet nunca jamais mai',
  INSTR:
    'instructions instruction rules rule guidelines guideline guidance directions directives directive constraints restrictions programming prompt prompts policies policy orders commands training configuration limits limitations filters safeguards guardrails protocols protocol ruleset ' +
    'instrucciones instruccion reglas normas indicaciones directrices ordenes restricciones limites filtros programacion pautas consignas ' +
    'regles ordres contraintes filtres programmation anweisungen anweisung regeln vorgaben richtlinien befehle einschrankungen instruktionen anordnungen programmierung vorschriften ' +
    'istruzioni istruzione regole indicazioni direttive restrizioni limiti filtri vincoli instrucoes instrucao regras diretrizes ordens restricoes instructies regels',
  TOLD: 'told instructed programmed taught given gave configured receive received deployed loaded fed injected equipped trained got dit configurado configurada programado programada entrenado instruido recues recu recue configuree beigebracht befohlen aufgetragen konfiguriert programmiert dicho dijeron dieron dio indicaron configuraron configuro programaron donnees donne donnes gegeben gab gesagt detto dato date dito deram deu',
  TEMPORAL:
    'previous previously prior earlier above before preceding former original initial initially existing old far until all any whatever every your its system safety developer developers default current ' +
    'anteriores anterior previas previa previos iniciales inicial todas todos tus sus cualquier arriba antes originales ' +
    'precedentes precedente anterieures anterieure initiales toutes tous tes vos dessus avant ' +
    'vorherigen vorherige vorigen bisherigen bisherige alle deine ihre obigen vorher bisher samtliche fruheren ursprunglichen anfanglichen alten ' +
    'precedenti tutte tutti tue tuoi prima iniziali originali suas seus iniciais originais vorige eerdere jouw',
  FIRST: 'my our a an mi mis nuestras nuestros mon ma mes notre nos mein meine meinen unser unsere mio mia miei mie meu minha meus minhas un une ein eine einen uno una um uma mijn onze',
  NOLIM: 'no without zero free freed unbound beyond lacks lacking never released liberated exempt relieved sin sans ohne senza sem nessuna nessun ninguna ningun aucune aucun keine kein nenhuma nenhum',
  LIMIT:
    'rules rule laws limits limitations restrictions restriction filters filter guidelines ethics morals morality censorship boundaries policies policy safeguards guardrails constraints limit compass conscience scruples features measures mechanisms protections checks ' +
    'reglas regla leyes limites limite restricciones restriccion filtros filtro censura etica moral normas norma regles regle lois restrictions filtres filtre censure ethique morale ' +
    'regeln regel gesetze grenzen grenze einschrankungen einschrankung zensur ethik regole regola leggi limiti restrizioni restrizione filtri regras regra leis restricoes restricao',
  FILLER: 'any all the your its of a an or and longer more tienes tiene tenes have has had hast hai tem avez policy usage from openai openais anthropic anthropics googles company companys developer developers moral ethical legal safety content usual normal typical real such other kind type sort tipo de ningun ninguna aucune aucun la les jegliche irgendwelche alcuna alcun qualsiasi nenhuma nenhum qualquer tus tes deine trained programmed given taught bound built designed with by had have has been',
  UNF: 'unfiltered uncensored unrestricted unlimited unbound unbounded unchained unhinged unmoderated unaligned unconstrained amoral immoral unethical jailbroken lawless limitless uninhibited debride debridee ungefiltert ungefilterte unzensiert unzensierte uneingeschrankt uneingeschrankte',
  YOU: 'you youre u ur your yourself tu vous du dich dir dein deine sei voce vc eres estas fuiste fuistes tienes tenes hast tens',
  AI: 'ai assistant model chatbot bot llm llms gpt chatgpt claude gemini copilot agent agents assistants models bots ia ki assistente modelo modele modell sprachmodell',
  PERSONA: 'pretend pretending roleplay simulate simulating emulate persona role act acting roleplaying actua actuar finge fingir simula imagina comportate modo agis agissez fais joue modus verhalte comportati agisci fingi immagina modalita aja finja',
  EXTRACT:
    'reveal show print display output repeat recite tell give share leak dump list write copy paste expose disclose return echo provide reproduce quote cite spell describe summarize summarise paraphrase translate what whats which send see view access spill divulge unveil ' +
    'cuentame cuenta contame explicame explica ' +
    'muestra muestrame mostrar mostrarme revela revelame revelar dime decir dame imprime imprimir repite repetir escribe escribir copia copiar comparte compartir cual cuales ensename ensenar pasar pasame enviar envia ' +
    'afficher montrer reveler donner repeter ecrire imprimer dire partager copier recopier wiederholen drucken schreiben kopieren ausgeben mostrare rivelare stampare ripetere scrivere dare condividere copiare dizer escrever compartilhar copiar ' +
    'affiche affichez montre montrez revele revelez donne donnez repete repetez ecris ecrivez dis dites quel quelle quels quelles partage copie recopie divulgue ' +
    'copialas copialos copiala copialo muestramelas muestramelos muestramela dimelas dimelos dimelo escribelas escribelos imprimelas repitelas revelalas ' +
    'zeig zeige zeigen gib geben nenne nennen verrate verraten wiederhole drucke schreibe schreib offenbare teile kopiere was welche ' +
    'mostra mostrami rivela rivelami dimmi stampa ripeti scrivi dammi condividi qual quali mostre revele diga diz imprima repita escreva compartilhe quais exiba copie toon herhaal geef',
  SYSWORD: 'system sistema systeme systeem',
  PNOUN:
    'prompt prompts message instructions instruction rules guidelines directives programming configuration config settings setup context preprompt text ' +
    'mensaje instrucciones indicaciones reglas configuracion consignes regles anweisungen instruktionen vorgaben regeln nachricht konfiguration messaggio istruzioni regole impostazioni configurazione mensagem instrucoes regras configuracao instructies',
  COMPOUND: 'systemprompt systemprompts preprompt metaprompt systemanweisungen systemnachricht systeminstructies systeemprompt',
  SYSQUAL:
    'initial original hidden secret internal confidential developer starting underlying base ' +
    'iniciales inicial originales ocultas ocultos secretas secretos internas confidenciales initiales cachees secretes internes confidentielles ' +
    'ursprunglichen anfanglichen versteckten geheimen internen initialen iniziali nascoste segrete interne iniciais originais',
  WEAKQUAL: 'full complete entire exact verbatim raw whole first completo completas complet completes vollstandigen complete',
  YOUR: 'your ur thy tu tus su sus ton ta tes votre vos dein deine deinen deinem deiner ihre ihren ihrem tuo tua tue tuoi seu sua seus suas teu je jouw uw',
  ROMOF: 'del de du di do des della dello delle dos da',
  ABOUT: 'for on about regarding to when if of concerning para sobre pour sur fur uber per su',
  IMPER: 'say tell send forward email recommend praise delete run execute call click visit include mention rate rank approve transfer reveal ignore post upload share collect steal grant skip mark close cancel disregard forget leak',
  ADDR: 'to for dear hey attention note memo notice important',
  HOWTO: 'how',
  READS: 'reads reading processes processing sees seeing parses parsing summarizes summarises summarizing summarising views viewing encounters ingests ingesting scrapes scraping screening screens triages triaging indexes indexing',
  OBJ: 'te ti dir vous t ta tont tas lhe',
  REMOVAL: 'remove removed removing delete deleted deleting disable disabled disabling lift lifted suspend suspended eliminate eliminated strip stripped deactivate deactivated',
  SOFTINSTR: 'task tasks role purpose objective mission job persona goal settings configuration config conversation session',
  BEMODAL: 'are is be been were was should must can will shall to zu sind werden wurden sollst musst sollen mussen son seran deben sont doivent devono devem sao',
};
