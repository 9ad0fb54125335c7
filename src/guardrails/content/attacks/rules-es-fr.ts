/**
 * Spanish and French attack rules, matched on the accent-stripped word view
 * (apostrophes are removed, so French elisions appear glued: `l'IA` → `lia`).
 */
import { W, type RuleSpec } from './engine.js';

const ES_NOUN = '(?:instrucciones|instruccion|indicaciones|reglas|normas|directrices|ordenes|restricciones|directivas|programacion|pautas|consignas|prompt|limitaciones|politicas|filtros)';
const ES_ADJ = '(?:anteriores|anterior|previas|previa|previo|previos|precedentes|precedente|inicial|original|de arriba|iniciales|originales|del sistema|de sistema|anteriormente dadas|que te dieron|que te han dado|recibidas|de seguridad)';
const ES_OV = '(?:ignora|ignore|ignorar|ignoren|ignores|olvida|olvide|olvidar|olviden|olvidate de|omite|omitir|descarta|descartar|desobedece|desobedecer|haz caso omiso (?:a|de)|no hagas caso (?:a|de)|pasa por alto|salta(?:te)?|anula|deja de seguir|no sigas)';
const ES_OV_A = 'ignora ignore ignorar ignoren ignores olvida olvide olvidar olviden olvidate omite omitir descarta descartar desobedece desobedecer caso pasa salta saltate anula deja sigas';
const ES_UNF = '(?:sin (?:ningun tipo de |ninguna |ningun |tus )?(?:filtros?|restricciones|censura|limites|limitaciones|reglas|etica|moral)|sin censura|libre de (?:toda |cualquier )?(?:restriccion|restricciones|regla|reglas|censura)|malvad[oa]|desatad[oa]|sin filtro)';

const FR_NOUN = '(?:instructions?|consignes|regles|directives|indications|ordres|restrictions|programmation|prompt|contraintes|limitations|politiques|filtres|parametres)';
const FR_ADJ = '(?:precedentes|precedente|anterieures|anterieure|initiale|originale|ci dessus|initiales|originales|dorigine|d origine|du systeme|systeme|de securite|recues|donnees|quon ta donnees|que lon ta donnees)';
const FR_OV = '(?:ignore|ignores|ignorez|ignorer|oublie|oublies|oubliez|oublier|ne tiens pas compte|ne tenez pas compte|ne tiens plus compte|ne tenez plus compte|fais abstraction|faites abstraction|laisse tomber|laissez tomber|neglige|negligez|contourne|contournez|outrepasse|outrepassez|passe outre|passez outre|ne suis plus|ne suivez plus|annule|annulez)';
const FR_OV_A = 'ignore ignores ignorez ignorer oublie oublies oubliez oublier tiens tenez abstraction tomber neglige negligez contourne contournez outrepasse outrepassez outre suis suivez annule annulez';
const FR_UNF = '(?:sans (?:aucune |aucun |la moindre |tes |vos )?(?:filtres?|restrictions?|censure|limites?|limitations?|regles?|ethique|morale|garde fous)|non filtree?|non censuree?|debridee?|malveillante?|malefique|liberee?s? de (?:toutes |tous |toute |tout )?(?:ses |tes |vos |les |leurs )?(?:restrictions?|regles?|limites?|contraintes|filtres?))';

const ML_TOLD = '(?:dijeron|dijo|pidieron|indicaron|ordenaron|ont dit|a dit|as dit|gesagt|befohlen|aufgetragen|hanno detto|ha detto|disseram|disse|pediram)';
const ML_TIME = '(?:antes|al principio|al inicio|avant|au debut|vorher|am anfang|zu beginn|prima|all inizio|no inicio|no comeco)';

/** Spanish rules. */
export const ES_RULES: readonly RuleSpec[] = [
  ['es.override', 'prompt_injection', 1, '^^' + ES_OV_A, `\\b${ES_OV} (?:(?:todas|todos|las|los|tus|sus|de|cualquier|toda|la|el|lo|estas|esas|mis) ){0,3}${ES_NOUN} (?:${W}){0,1}?${ES_ADJ}\\b`],
  ['es.override.tus', 'prompt_injection', 1, '^^' + ES_OV_A, `\\b${ES_OV} (?:(?:todas|todos|de|cualquiera de) ){0,2}(?:tus|sus) (?:${W}){0,1}?${ES_NOUN}\\b`],
  ['es.override.adj_first', 'prompt_injection', 1, '^^' + ES_OV_A, `\\b${ES_OV} (?:(?:todas|todos|las|los|tus|sus|de|la|el) ){0,3}(?:anteriores|previas|iniciales|originales) ${ES_NOUN}\\b`],
  ['es.override.todo', 'prompt_injection', 1, '^^' + ES_OV_A, `\\b${ES_OV} (?:todo|todo lo|lo) (?:anterior|que (?:te )?(?:dije|dijeron|han dicho|ha dicho|se te dijo|te indicaron) (?:antes|anteriormente)|lo anterior|lo de arriba|lo que esta arriba|lo previo)\\b`],
  ['es.override.passive', 'prompt_injection', 0.9, 'validas aplican vigentes anuladas canceladas', `\\b${ES_NOUN} (?:${W}){0,1}?(?:anteriores|previas|originales|iniciales) ya no (?:son validas|aplican|estan vigentes)|${ES_NOUN} (?:${W}){0,1}?(?:anteriores|previas) (?:quedan|estan) (?:anuladas|canceladas)\\b`],
  ['es.new', 'prompt_injection', 0.45, 'nuevas nueva', `\\b(?:nuevas instrucciones|nueva tarea|tu nueva (?:tarea|funcion|mision|instruccion)|tu verdadera (?:tarea|mision))\\b`],
  ['es.from_now', 'prompt_injection', 0.4, 'ahora adelante', `\\b(?:a partir de ahora|desde ahora|de ahora en adelante) (?:eres|seras|vas a|tu|debes|responde|actua|ignora|solo)\\b`],
  ['es.extract', 'system_prompt_extraction', 1, 'prompt mensaje instrucciones sistema',
    `\\b(?:muestra|muestrame|mostrar|muestranos|revela|revelame|revelar|dime|dinos|imprime|imprimir|repite|repiteme|repetir|escribe|escribeme|ensename|dame|danos|comparte|compartir|copia|cual es|cuales son|cuales fueron|cual fue|di|desvela|filtra|expon) (?:me |cual es |exactamente |textualmente |literalmente )?(?:tu|el|su|las|tus|sus|los|la) (?:${W}){0,1}?(?:prompt|mensaje|instrucciones|indicaciones|configuracion) (?:del|de|de tu|de su) sistema\\b`],
  ['es.extract.hidden', 'system_prompt_extraction', 1, 'instrucciones prompt indicaciones',
    `\\b(?:muestra|muestrame|revela|revelame|dime|imprime|repite|escribe|dame|comparte|cual es|cuales son|cuales fueron|di|desvela) (?:me )?(?:tu|el|su|las|tus|sus|los) (?:${W}){0,1}?(?:prompt|instrucciones|indicaciones|reglas) (?:iniciales|originales|ocultas|secretas|internas|confidenciales|completas)\\b`],
  ['es.extract.tus', 'system_prompt_extraction', 0.7, 'instrucciones prompt', `\\b(?:muestra|muestrame|revela|revelame|dime|imprime|repite|escribe|dame|comparte|cuales son|di|desvela) (?:me )?(?:tus|sus|tu|su) (?:instrucciones|prompt)\\b`],
  ['es.extract.above', 'system_prompt_extraction', 1, 'arriba anterior', `\\b(?:repite|imprime|muestra|muestrame|copia|escribe) (?:todo )?(?:el )?(?:texto|mensaje|contenido|lo) (?:que (?:esta|aparece|hay) )?(?:de arriba|anterior|arriba)\\b`],
  ['es.sysnoun', 'system_prompt_extraction', 0.3, 'sistema', `\\b(?:tus|sus) (?:instrucciones|indicaciones|mensaje|prompt) (?:del|de) sistema\\b`],
  ['es.extract.stem', 'system_prompt_extraction', 1, 'sistema iniciales originales ocultas secretas internas confidenciales',
    `\\b(?:muestr|mostr|revel|dim|dec|imprim|repit|repet|escrib|ensen|dam|dar|da |compart|copi|desvel|filtr|expon|list|enumer|cual|que|pas|traduc|resum)[a-z]* (?:${W}){0,3}?(?:tu|el|su|las|tus|sus|los|la) (?:${W}){0,1}?(?:prompt|mensaje|instrucciones|indicaciones|reglas|directrices|configuracion) (?:del sistema|de sistema|iniciales|originales|ocultas|secretas|internas|confidenciales)\\b`],
  ['es.jb.eres', 'jailbreak', 1, 'eres seras actua actuar finge fingir comportate pretende haz conviertete',
    `\\b(?:ahora eres|eres ahora|ahora seras|eres|seras|actua como|actuar como|finge ser|fingir ser|comportate como|pretende ser|haz de|conviertete en) (?:un |una |el |la )?(?:${W}){0,2}?${ES_UNF}\\b`],
  ['es.gen.limites', 'jailbreak', 0.5, 'olvida olvidate ignora quita elimina sin', `\\b(?:olvida|olvidate de|ignora|quita|elimina|sin) (?:tus|sus|los|las|todos|todas|tus propios) (?:${W})?(?:limites|filtros|restricciones|reglas|normas|principios|valores)\\b`],
  ['es.answer_all', 'jailbreak', 0.4, 'responde responder reponds repondez antworte rispondi responda', `\\b(?:responde|responder|reponds|repondez|antworte|rispondi|responda) (?:a |à |auf )?(?:todo|tout|alles|tutto|tudo|cualquier cosa|nimporte quoi)\\b`],
  ['ml.told.plain', 'system_prompt_extraction', 0.7, 'dijeron dijo pidieron indicaron ordenaron dit gesagt befohlen detto disseram disse pediram', `\\b(?:que|qu|quoi|was|cosa|che|o que) (?:${W}){0,2}?(?:te|ti|dir|vous|t|lhe|tont|ta) (?:${W}){0,1}?(?:dijeron|dijo|pidieron|indicaron|ordenaron|ont dit|a dit|as dit|gesagt|befohlen|aufgetragen|hanno detto|ha detto|disseram|disse|pediram)\\b`],
  ['ml.told.start', 'system_prompt_extraction', 1, 'antes principio inicio avant debut vorher anfang beginn prima inizio', `\\b(?:que|qu|quoi|was|cosa|che|o que) (?:${W}){0,2}?(?:te|ti|dir|vous|t|lhe|tont|ta) (?:(?:${W}){0,2}?${ML_TOLD}\\b(?: (?:${W}){0,4}?${ML_TIME})|(?:${W}){0,2}?${ML_TIME} (?:${W}){0,2}?${ML_TOLD}\\b)`],
  ['es.jb.sin', 'jailbreak', 0.5, 'sin libre', `\\b${ES_UNF}\\b`],
  ['es.jb.modo', 'jailbreak', 0.8, 'modo', `\\bmodo (?:desarrollador|dios|sin restricciones|sin filtros|dan|jailbreak|sin censura|libre|malvado)\\b`],
  ['es.jb.ya_no', 'jailbreak', 0.8, 'ya', `\\bya no (?:eres|estas) (?:un asistente|una ia|chatgpt|claude|limitado|restringido|obligado|sujeto)\\b`],
  ['es.jb.no_tienes', 'jailbreak', 0.9, 'tienes', `\\b(?:no tienes|ya no tienes) (?:ningun tipo de |ninguna |ningun )?(?:reglas|restricciones|limites|filtros|etica|moral|censura|directrices)\\b`],
  ['es.jb.desactiva', 'jailbreak', 1, 'desactiva desactivar ignora elimina quita salta evita', `\\b(?:desactiva|desactivar|ignora|elimina|quita|salta|evita) (?:todos |todas )?(?:tus|sus) (?:filtros|restricciones|protocolos|normas|directrices|salvaguardas|limites)(?: de (?:seguridad|contenido|etica))?\\b`],
  ['es.ind.nota', 'prompt_injection', 0.8, 'nota mensaje instruccion instrucciones atencion aviso', `\\b(?:nota|mensaje|instruccion|instrucciones|atencion|aviso) (?:importante )?para (?:el |la |cualquier )?(?:ia|asistente|modelo|chatbot|bot|agente|ia que)\\b`],
  ['es.ind.si_eres', 'prompt_injection', 0.6, 'si', `\\bsi eres (?:un |una )?(?:ia|inteligencia artificial|asistente|modelo de lenguaje|chatbot|bot|agente)\\b`],
  ['es.ind.resumir', 'prompt_injection', 0.5, 'resumir resumas resumes resumiendo procesar leer', `\\b(?:al resumir|cuando resumas|cuando resumes|si resumes|al procesar|al leer|en lugar de resumir|en vez de resumir)\\b`],
  ['es.ind.no_digas', 'prompt_injection', 0.7, 'digas menciones informes reveles avises', `\\bno (?:le )?(?:digas|menciones|informes|reveles|avises) (?:nada |esto )?(?:al|a el) (?:usuario|cliente|lector)\\b`],
  ['es.ind.ia_debe', 'prompt_injection', 0.6, 'ia asistente modelo', `\\b(?:la ia|el asistente|el modelo|el agente) (?:debe|deberia|tiene que) (?:ahora |siempre )?(?:ignorar|decir|responder|revelar|enviar|incluir|recomendar|escribir)\\b`],
];

/** French rules. */
export const FR_RULES: readonly RuleSpec[] = [
  ['fr.override', 'prompt_injection', 1, '^^' + FR_OV_A, `\\b${FR_OV} (?:(?:toutes|tous|les|tes|vos|des|de|la|le|ces|ses|l|d) ){0,3}${FR_NOUN} (?:${W}){0,1}?${FR_ADJ}\\b`],
  ['fr.override.tes', 'prompt_injection', 1, '^^' + FR_OV_A, `\\b${FR_OV} (?:(?:toutes|tous|de|des) ){0,2}(?:tes|vos|ses) (?:${W}){0,1}?${FR_NOUN}\\b`],
  ['fr.override.glued', 'prompt_injection', 1, '^^' + FR_OV_A, `\\b${FR_OV} (?:(?:toutes|tous|les|des) ){0,2}(?:instructions|consignes|regles) (?:precedentes|anterieures|ci dessus|initiales)\\b`],
  ['fr.override.tout', 'prompt_injection', 1, '^^' + FR_OV_A, `\\b${FR_OV} (?:tout ce qui precede|tout ce qui a ete dit|tout ce quon ta dit|tout ce que lon ta dit|tout ce qui est au dessus|tout ce qui est ci dessus|tout ce qui a ete ecrit|tout ce que je tai dit avant|tout le reste|ce qui precede)\\b`],
  ['fr.override.passive', 'prompt_injection', 0.9, 'annulees caduques valables applicables', `\\b${FR_NOUN} (?:precedentes|anterieures|initiales|originales) (?:sont|ne sont plus) (?:annulees|caduques|valables|applicables)\\b`],
  ['fr.new', 'prompt_injection', 0.45, 'nouvelles nouvelle vraie', `\\b(?:nouvelles instructions|nouvelles consignes|nouvelle tache|ta nouvelle (?:tache|mission|consigne)|ta vraie (?:tache|mission))\\b`],
  ['fr.from_now', 'prompt_injection', 0.4, 'desormais partir maintenant', `\\b(?:a partir de maintenant|desormais|dorenavant|des maintenant) (?:tu|vous|ignore|reponds|repondez|agis|agissez)\\b`],
  ['fr.extract', 'system_prompt_extraction', 1, 'prompt message instructions consignes',
    `\\b(?:affiche|affichez|afficher|montre|montrez|montre moi|montrez moi|montremoi|revele|revelez|reveler|donne|donnez|donne moi|donnez moi|repete|repetez|repeter|ecris|ecrivez|imprime|imprimez|dis moi|dites moi|quel est|quelles sont|quels sont|partage|partagez|copie|copiez|recopie|recite|divulgue|divulguez) (?:moi |nous |exactement |mot pour mot )?(?:ton|votre|le|tes|vos|les|ta|la) (?:${W}){0,1}?(?:prompt|message|instructions|consignes|invite|directives) (?:systeme|du systeme|system|de systeme)\\b`],
  ['fr.extract.hidden', 'system_prompt_extraction', 1, 'prompt instructions consignes directives regles',
    `\\b(?:affiche|affichez|montre|montrez|montre moi|montrez moi|revele|revelez|donne|donnez|donne moi|donnez moi|repete|repetez|ecris|ecrivez|imprime|imprimez|dis moi|dites moi|quel est|quelles sont|quels sont|partage|partagez|copie|divulgue) (?:moi )?(?:ton|votre|tes|vos|les|le|ta) (?:${W}){0,1}?(?:prompt|instructions|consignes|directives|regles) (?:initiales|initial|dorigine|d origine|originales|cachees|secretes|internes|confidentielles|completes)\\b`],
  ['fr.extract.tes', 'system_prompt_extraction', 0.7, 'instructions prompt consignes', `\\b(?:affiche|affichez|montre|montrez|montre moi|montrez moi|revele|revelez|donne moi|donnez moi|repete|repetez|ecris|imprime|dis moi|dites moi|quelles sont|partage|divulgue) (?:moi )?(?:tes|vos|ton|votre) (?:instructions|prompt|consignes)\\b`],
  ['fr.extract.above', 'system_prompt_extraction', 1, 'dessus precede', `\\b(?:repete|repetez|imprime|imprimez|affiche|affichez|recopie|copie|ecris|ecrivez) (?:tout )?(?:le )?(?:texte|message|contenu|ce qui) (?:qui est |qui se trouve |est )?(?:ci dessus|au dessus|precede|precedent)\\b`],
  ['fr.sysnoun', 'system_prompt_extraction', 0.3, 'systeme', `\\b(?:ton|votre|tes|vos) (?:prompt|message|instructions|consignes) (?:systeme|du systeme)\\b`],
  ['fr.extract.stem', 'system_prompt_extraction', 1, 'systeme initiales initial dorigine origine originales cachees secretes internes confidentielles',
    `\\b(?:affich|montr|revel|donn|repet|ecri|imprim|dis|dit|quel|partag|copi|recopi|recit|divulg|list|enumer|tradu|resum|transmet|envoi)[a-z]* (?:${W}){0,2}?(?:ton|votre|le|tes|vos|les|ta|la) (?:${W}){0,1}?(?:prompt|message|instructions|consignes|invite|directives|regles|configuration) (?:systeme|du systeme|system|de systeme|initiales|initial|dorigine|d origine|originales|cachees|secretes|internes|confidentielles)\\b`],
  ['fr.jb.tu_es', 'jailbreak', 1, 'es etes agis agissez fais faites joue jouez comporte comportez deviens devenez',
    `\\b(?:tu es (?:maintenant|desormais|a present|dorenavant)|vous etes (?:maintenant|desormais|a present)|tu es|vous etes|agis comme|agissez comme|fais comme si tu etais|faites comme si vous etiez|joue le role d ?une?|jouez le role d ?une?|comporte toi comme|comportez vous comme|deviens|devenez) (?:un |une |l )?(?:${W}){0,2}?${FR_UNF}\\b`],
  ['fr.jb.sans', 'jailbreak', 0.5, 'sans non debride malveillant malefique libere', `\\b${FR_UNF}\\b`],
  ['fr.jb.mode', 'jailbreak', 0.8, 'mode', `\\bmode (?:developpeur|dieu|sans restriction|sans restrictions|sans filtre|sans filtres|dan|jailbreak|non censure|non filtre|libre|malveillant)\\b`],
  ['fr.jb.plus', 'jailbreak', 0.8, 'plus', `\\b(?:tu nes|tu n es|vous netes|vous n etes) plus (?:un assistant|une ia|chatgpt|claude|limite|restreint|oblige|soumis|tenu)\\b`],
  ['fr.jb.aucune', 'jailbreak', 0.9, 'as avez', `\\b(?:tu nas|tu n as|vous navez|vous n avez) (?:plus )?(?:aucune|aucun|pas de) (?:regles?|restrictions?|limites?|filtres?|ethique|morale|censure)\\b`],
  ['fr.jb.desactive', 'jailbreak', 1, 'desactive desactivez ignore ignorez contourne contournez supprime supprimez', `\\b(?:desactive|desactivez|ignore|ignorez|contourne|contournez|supprime|supprimez) (?:tous |toutes )?(?:tes|vos|ses) (?:filtres|restrictions|protocoles|regles|garde fous|limites|directives)(?: de (?:securite|contenu))?\\b`],
  ['fr.ind.note', 'prompt_injection', 0.8, 'note message instruction instructions attention avis', `\\b(?:note|message|instruction|instructions|attention|avis) (?:importante? )?(?:a|pour) (?:l ?|lintelligence |le |la |tout |toute )?(?:ia|lia|intelligence artificielle|assistant|modele|chatbot|bot|agent)\\b`],
  ['fr.ind.si_tu_es', 'prompt_injection', 0.6, 'si', `\\bsi (?:tu es|vous etes) (?:un |une )?(?:ia|intelligence artificielle|assistant|modele de langage|chatbot|bot|agent)\\b`],
  ['fr.ind.resume', 'prompt_injection', 0.5, 'resume resumes resumant lors lisant traitant lis lisez', `\\b(?:lors du resume|en resumant|quand tu resumes|quand vous resumez|au lieu de resumer|en lisant ce|en traitant ce|lorsque tu liras|si tu lis (?:ce|cette|ceci)|si vous lisez (?:ce|cette|ceci))\\b`],
  ['fr.ind.ne_dis_pas', 'prompt_injection', 0.7, 'ne dis dites informe informez mentionne mentionnez previens prevenez ninforme ninformez', `\\b(?:ne |n)(?:le |rien )?(?:dis|dites|informe|informez|mentionne|mentionnez|previens|prevenez|revele|revelez) (?:pas |rien |surtout pas |jamais )?(?:(?:de |a |a l |au )?(?:ceci |cela |ca |ce document |cette note )?)?(?:a l ?|au |l ?)?(?:utilisateur|lutilisateur|client|lecteur)\\b`],
  ['fr.ind.ia_doit', 'prompt_injection', 0.6, 'doit', `\\b(?:l ?ia|lia|lassistant|l assistant|le modele|lagent|l agent) doit (?:maintenant |toujours |desormais )?(?:ignorer|dire|repondre|reveler|envoyer|inclure|recommander|ecrire)\\b`],
];
