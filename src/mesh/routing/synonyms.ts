/**
 * Built-in synonym groups for the offline skill matcher: words people use interchangeably when
 * they state a need to a business system. Every word of a group folds to the group's first word
 * (after stemming), in skills and in requests alike, so "stock" meets "inventory" and "bill"
 * meets "invoice". Groups are deliberately tight: near-synonyms only, never mere relatives
 * ("cancel" is not "delete"; "refund" is not "payment").
 */
import { stem } from './porter-stemmer.js';

/** The groups, first word canonical. Extend with `mesh.routing.synonyms` in the spec. */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  // commerce and operations
  ['inventory', 'stock', 'stocks', 'stocked', 'supply', 'supplies', 'units'],
  ['warehouse', 'depot', 'storehouse', 'fulfillment', 'fulfilment', 'distribution'],
  ['product', 'item', 'items', 'sku', 'skus', 'merchandise', 'goods'],
  ['order', 'orders', 'purchase', 'purchases', 'buy', 'bought'],
  ['ship', 'shipping', 'shipment', 'shipments', 'deliver', 'delivery', 'deliveries', 'dispatch', 'parcel', 'package', 'courier', 'freight'],
  ['track', 'tracking', 'trace', 'whereabouts', 'locate'],
  ['return', 'returns', 'rma', 'send back'],
  ['refund', 'refunds', 'reimburse', 'reimbursement', 'money back', 'chargeback'],
  ['price', 'prices', 'pricing', 'cost', 'costs', 'quote', 'quotes', 'rate', 'rates', 'fee', 'fees', 'charge', 'charges', 'tariff'],
  ['discount', 'coupon', 'voucher', 'promo', 'promotion', 'deal', 'deals'],
  ['supplier', 'vendor', 'vendors', 'seller', 'sellers', 'merchant', 'provider'],
  ['customer', 'customers', 'client', 'clients', 'buyer', 'buyers', 'shopper', 'consumer', 'patron'],
  ['catalog', 'catalogue', 'listing', 'listings', 'assortment'],
  ['restock', 'replenish', 'reorder', 'refill'],
  // money
  ['invoice', 'invoices', 'bill', 'bills', 'billing', 'statement'],
  ['pay', 'payment', 'payments', 'paid', 'settle', 'remit', 'remittance'],
  ['balance', 'balances', 'funds', 'owe', 'owed', 'outstanding', 'money left'],
  ['expense', 'expenses', 'spending', 'spend', 'spent', 'expenditure', 'outlay'],
  ['budget', 'budgets', 'allowance', 'allocation'],
  ['tax', 'taxes', 'vat', 'gst', 'duty', 'duties'],
  ['salary', 'salaries', 'payday', 'wage', 'wages', 'pay slip', 'payslip', 'paycheck', 'payroll', 'compensation'],
  ['transfer', 'wire', 'send money'],
  ['currency', 'currencies', 'exchange rate', 'forex', 'fx'],
  ['revenue', 'revenues', 'sales', 'income', 'earnings', 'turnover'],
  ['forecast', 'forecasts', 'projection', 'projections', 'predict', 'prediction', 'outlook', 'estimate'],
  ['subscription', 'subscriptions', 'membership', 'tier'],
  ['credit card', 'card', 'cards'],
  ['fraud', 'fraudulent', 'scam', 'suspicious', 'unauthorized', 'unauthorised', 'never made', 'not recognise', 'don\'t recognise', 'don\'t recognize', 'unrecognised', 'unrecognized'],
  ['dispute', 'contest', 'challenge', 'chargeback dispute'],
  ['block', 'freeze', 'suspend', 'deactivate'],
  ['lost', 'stolen', 'missing', 'misplaced', 'can\'t find'],
  ['loan', 'loans', 'mortgage', 'credit line', 'borrow', 'borrowing'],
  // people and work
  ['employee', 'employees', 'staff', 'worker', 'workers', 'personnel', 'colleague', 'colleagues', 'headcount'],
  ['hire', 'hiring', 'recruit', 'recruiting', 'recruitment'],
  ['candidate', 'candidates', 'applicant', 'applicants'],
  ['vacancy', 'vacancies', 'job opening', 'job openings'],
  ['leave', 'vacation', 'holiday', 'holidays', 'pto', 'time off', 'day off', 'days off', 'absence', 'sick day'],
  ['onboard', 'onboarding', 'orientation', 'induction'],
  ['meeting', 'meetings', 'appointment', 'appointments', 'session', 'sessions', 'sync', 'standup', 'stand-up', 'huddle', 'catch-up'],
  ['schedule', 'scheduling', 'calendar', 'agenda', 'slot', 'slots', 'timetable', 'arrange', 'organize', 'organise'],
  ['reschedule', 'postpone', 'rebook', 'push back'],
  ['task', 'tasks', 'todo', 'to-do', 'chore', 'assignment'],
  ['project', 'projects', 'initiative', 'programme'],
  ['deadline', 'due date', 'due'],
  ['contract', 'contracts', 'agreement', 'agreements', 'terms'],
  ['policy', 'policies', 'rule', 'rules', 'guideline', 'guidelines', 'regulation'],
  ['complaint', 'complaints', 'grievance', 'dissatisfied', 'unhappy'],
  ['feedback', 'rating', 'ratings', 'opinion', 'survey'],
  // IT and engineering
  ['password', 'passwords', 'passcode', 'credential', 'credentials', 'login', 'log in', 'sign in', 'signin'],
  ['reset', 'recover', 'recovery', 'unlock'],
  ['account', 'accounts', 'profile', 'profiles'],
  ['access', 'permission', 'permissions', 'privilege', 'privileges', 'entitlement', 'grant', 'role'],
  ['server', 'servers', 'host', 'hosts', 'machine', 'machines', 'instance', 'instances', 'vm', 'node'],
  ['outage', 'outages', 'down', 'downtime', 'unavailable', 'unreachable', 'offline', 'crash', 'crashed', 'crashing'],
  ['bug', 'bugs', 'defect', 'defects', 'error', 'errors', 'glitch', 'fault', 'exception', 'exceptions', 'stack trace', 'segfault', 'segmentation fault', 'crash report'],
  ['pull request', 'pull requests', 'pr', 'prs', 'merge request', 'merge requests', 'diff', 'patchset', 'changeset'],
  ['secret', 'secrets', 'api key', 'api keys', 'token', 'tokens', 'access key', 'access keys'],
  ['ticket', 'tickets', 'incident', 'incidents'],
  ['deploy', 'deployment', 'deployments', 'release', 'releases', 'rollout', 'ship to production'],
  ['log', 'logs', 'logging'],
  ['metric', 'metrics', 'kpi', 'kpis', 'statistic', 'statistics', 'stats', 'analytics', 'figures', 'numbers'],
  ['dashboard', 'dashboards', 'chart', 'charts', 'graph', 'graphs', 'visualize', 'visualise', 'visualization', 'plot'],
  ['report', 'reports', 'reporting', 'summary report', 'overview'],
  ['database', 'databases', 'db', 'sql'],
  ['backup', 'backups', 'snapshot', 'snapshots'],
  ['restore', 'restoring', 'rollback', 'roll back', 'revert', 'undo'],
  ['install', 'installation', 'configure', 'configuration', 'provision'],
  ['upgrade', 'patch', 'patches'],
  ['vulnerability', 'vulnerabilities', 'cve', 'exploit', 'security hole', 'weakness'],
  ['network', 'networking', 'wifi', 'wi-fi', 'vpn', 'connectivity', 'internet', 'connection'],
  ['laptop', 'laptops', 'computer', 'computers', 'pc', 'device', 'devices', 'hardware'],
  ['code', 'snippet', 'function', 'script', 'program'],
  ['test', 'tests', 'testing', 'qa', 'unit test', 'unit tests', 'test case', 'test cases', 'test suite'],
  ['email', 'emails', 'e-mail', 'mail', 'inbox', 'message', 'messages'],
  ['notify', 'notification', 'notifications', 'alert', 'alerts', 'remind', 'reminder', 'reminders', 'ping'],
  ['document', 'documents', 'doc', 'docs', 'file', 'files', 'paperwork', 'pdf', 'note', 'notes', 'paper', 'papers', 'whitepaper', 'memo', 'memos', 'article', 'articles'],
  ['storage', 'disk', 'disks', 'space', 'capacity', 'quota'],
  // language and content
  ['translate', 'translation', 'translations', 'translator', 'interpret'],
  ['language', 'languages', 'french', 'german', 'spanish', 'italian', 'japanese', 'chinese', 'english', 'portuguese', 'korean', 'arabic'],
  ['summarize', 'summarise', 'summary', 'summaries', 'tldr', 'recap', 'digest', 'condense', 'gist', 'synopsis'],
  ['write', 'writing', 'draft', 'drafting', 'compose', 'author'],
  ['edit', 'proofread', 'proofreading', 'rewrite', 'rephrase', 'polish', 'grammar', 'spelling'],
  ['search', 'lookup', 'look up', 'retrieve', 'fetch'],
  ['image', 'images', 'picture', 'pictures', 'photo', 'photos', 'illustration', 'graphic'],
  ['video', 'videos', 'clip', 'clips', 'footage', 'recording'],
  ['sentiment', 'tone', 'mood', 'emotion'],
  ['question', 'questions', 'faq', 'faqs', 'inquiry', 'enquiry', 'query'],
  // travel and places
  ['flight', 'flights', 'airfare', 'plane', 'airline', 'airlines', 'fly', 'flying'],
  ['hotel', 'hotels', 'lodging', 'accommodation', 'accommodations', 'motel', 'inn'],
  ['book', 'booking', 'bookings', 'reserve', 'reservation', 'reservations'],
  ['cancel', 'cancellation', 'cancelation', 'call off', 'terminate', 'termination', 'abort'],
  ['car', 'cars', 'vehicle', 'vehicles', 'rental car', 'auto'],
  ['trip', 'trips', 'travel', 'journey', 'itinerary', 'itineraries', 'voyage'],
  ['weather', 'temperature', 'rain', 'raining', 'rainy', 'snow', 'snowing', 'sunny', 'cloudy', 'windy', 'humid', 'storm', 'hot', 'cold', 'warm', 'climate'],
  ['restaurant', 'restaurants', 'dining', 'diner', 'eatery', 'bistro'],
  ['meeting room', 'conference room', 'boardroom', 'meeting rooms', 'conference rooms', 'huddle room'],
  ['direction', 'directions', 'route', 'routes', 'navigate', 'navigation', 'map', 'maps'],
  ['address', 'addresses', 'location', 'locations'],
  // health, legal, misc
  ['doctor', 'doctors', 'physician', 'gp', 'clinician', 'specialist', 'cardiologist', 'dermatologist', 'pediatrician', 'paediatrician', 'surgeon', 'gynecologist', 'neurologist', 'psychiatrist', 'therapist'],
  ['symptom', 'symptoms', 'ache', 'pain', 'fever', 'cough'],
  ['prescription', 'prescriptions', 'medication', 'medications', 'medicine', 'medicines', 'drug', 'drugs', 'pill', 'pills', 'tablet', 'tablets', 'inhaler', 'antibiotic', 'antibiotics', 'insulin', 'dose', 'dosage'],
  ['grade', 'grades', 'score', 'scores', 'mark', 'marks', 'gpa', 'transcript', 'grade point average'],
  ['exam', 'exams', 'examination', 'quiz', 'quizzes', 'midterm', 'midterms'],
  ['course', 'courses', 'class', 'classes', 'lecture', 'lectures', 'seminar', 'curriculum'],
  ['homework', 'assignment', 'assignments', 'exercise', 'exercises', 'coursework'],
  ['apartment', 'apartments', 'flat', 'flats', 'condo', 'condos', 'studio', 'loft', 'townhouse', 'home', 'homes', 'house', 'houses', 'property', 'properties', 'real estate'],
  ['viewing', 'viewings', 'showing', 'showings', 'tour', 'tours', 'open house'],
  ['post', 'posts', 'caption', 'captions', 'tweet', 'tweets', 'status update'],
  ['social media', 'instagram', 'facebook', 'linkedin', 'twitter', 'tiktok', 'social'],
  ['campaign', 'campaigns', 'newsletter', 'newsletters', 'ads', 'advert', 'adverts', 'advertising', 'promotion campaign'],
  ['trademark', 'trademarks', 'brand name', 'brand', 'brands', 'logo'],
  ['leak', 'leaks', 'leaking', 'drip', 'dripping', 'flooded', 'flooding'],
  ['broken', 'not working', 'doesn\'t work', 'faulty device', 'out of order'],
  ['insurance', 'insurer', 'coverage', 'claim', 'claims', 'premium'],
  ['lawyer', 'attorney', 'legal', 'counsel'],
  ['compliance', 'compliant', 'gdpr', 'hipaa', 'sox', 'regulatory', 'audit', 'audits', 'auditing'],
  ['privacy', 'personal data', 'pii'],
  ['risk', 'risks', 'exposure'],
  ['news', 'headlines', 'headline'],
  ['recipe', 'recipes', 'cook', 'cooking', 'meal', 'meals', 'dish', 'dishes'],
  ['joke', 'jokes', 'funny', 'humor', 'humour'],
  // generic actions
  ['check', 'verify', 'confirm', 'validate', 'inspect'],
  ['status', 'uptime', 'health check'],
  ['create', 'add', 'register', 'generate'],
  ['production', 'prod', 'live environment'],
  ['delete', 'remove', 'erase', 'wipe', 'purge'],
  ['change', 'modify', 'alter', 'amend', 'adjust', 'edit details'],
  ['list', 'enumerate', 'inventory list'],
  ['compare', 'comparison', 'versus', 'vs', 'contrast', 'benchmark'],
  ['analyze', 'analyse', 'analysis', 'examine', 'investigate', 'assess', 'assessment', 'evaluate', 'evaluation'],
  ['recommend', 'recommendation', 'recommendations', 'suggest', 'suggestion', 'suggestions', 'advise', 'advice'],
  ['approve', 'approval', 'sign off', 'authorize', 'authorise', 'authorization', 'authorisation'],
  ['convert', 'conversion', 'transform'],
  ['calculate', 'calculation', 'compute', 'work out', 'figure out'],
  ['explain', 'explanation', 'clarify', 'describe', 'meaning', 'mean', 'means'],
  ['monitor', 'monitoring', 'watch', 'observe', 'keep an eye'],
  ['fix', 'repair', 'resolve', 'troubleshoot', 'troubleshooting', 'debug', 'solve'],
  ['escalate', 'escalation', 'human agent'],
  ['cheap', 'cheaper', 'cheapest', 'affordable', 'inexpensive', 'budget-friendly', 'lowest price'],
  ['late', 'delayed', 'delay', 'overdue', 'slow'],
  ['damaged', 'damage', 'defective', 'faulty', 'torn'],
];

const canon = new Map<string, string>();
const exact = new Map<string, string>();
const phrases = new Map<string, string>();
let longestPhrase = 1;

function addGroup(words: readonly string[]): void {
  // the group's id is its first word, unstemmed: readable in routing reasons, and never the
  // stem of an unrelated word ("news" and "new" stem alike; their ids differ)
  const head = words[0]!.toLowerCase().replace(/[ -]/g, '_');
  for (const w of words) {
    const lower = w.toLowerCase().replace(/['’](s|d|ll|re|ve|m|t)\b/g, '');
    if (lower.includes(' ')) {
      const n = lower.split(' ').length;
      if (!phrases.has(lower)) phrases.set(lower, head);
      if (n > longestPhrase) longestPhrase = n;
      continue;
    }
    const plain = lower.replace(/[-_]/g, '');
    if (!exact.has(plain)) exact.set(plain, head);
    const s = stem(plain);
    if (!canon.has(s)) canon.set(s, head);
  }
}

for (const g of SYNONYM_GROUPS) addGroup(g);
const groupIds = new Set<string>([...exact.values(), ...canon.values(), ...phrases.values()]);

/**
 * The term of a lowercase word: its group's id when the word (or else its stem) belongs to a
 * synonym group, otherwise its Porter stem.
 */
export function termOf(word: string): string {
  const e = exact.get(word);
  if (e !== undefined) return e;
  const s = stem(word);
  return canon.get(s) ?? s;
}

/** True when a lowercase word (or its stem) belongs to a synonym group. */
export function inSynonymGroup(word: string): boolean {
  return exact.has(word) || canon.has(stem(word));
}

/** True when a term is the id of a synonym group. */
export function isGroupTerm(term: string): boolean {
  return groupIds.has(term);
}

/**
 * The canonical term of a multi-word phrase ("log in", "time off"), matched on lowercase words
 * before stemming; undefined when the words are no known phrase.
 */
export function phraseTerm(words: string): string | undefined {
  return phrases.get(words);
}

/** The number of words of the longest known phrase. */
export function longestPhraseWords(): number {
  return longestPhrase;
}

/**
 * Adds synonym groups (from the spec's `mesh.routing.synonyms`) to the process-wide table; words
 * already in a group keep their first group.
 */
export function addSynonymGroups(groups: readonly (readonly string[])[]): void {
  for (const g of groups) {
    if (g.length < 2) continue;
    addGroup(g);
    groupIds.add(g[0]!.toLowerCase().replace(/[ -]/g, '_'));
  }
}
