import { PlatformError } from '../errors.js';

/**
 * The `disclosure` rule's effect on the first utterance (compliance.md): it must identify the
 * business by its registered name and say the caller is an AI voice (FCC 24-17 treats AI voices
 * as artificial voices under the TCPA); telemarketing adds an opt-out within 2 s of the
 * identification; all-party-consent states add a recording notice. A first message that already
 * does this is kept word for word; otherwise a disclosure is put in front of it, and the notices
 * go right after whichever sentence identifies the caller, so the opt-out follows it at once.
 */

/** What the gate's `allow` decision obliges the call to say. */
export interface DisclosureObligations {
  disclosure_required: boolean;
  recording_notice_required: boolean;
  opt_out_required: boolean;
}

/** The persona fields that shape the disclosure. */
export interface DisclosurePersona {
  /** The first name the agent gives ("Alex"). */
  caller_name: string;
  /** The business as the persona presents it; the registered name is used when null. */
  company: string | null;
}

export interface FirstUtteranceInput {
  /** The agent's first message with its variables already filled in, or null for none. */
  firstMessage: string | null;
  /** The tenant's registered business name; the disclosure must contain it. */
  businessName: string;
  persona?: DisclosurePersona | null;
  obligations: DisclosureObligations;
}

export type Addition = 'disclosure' | 'recording_notice' | 'opt_out';

export interface FirstUtterance {
  /** What the agent says first. */
  text: string;
  /** What the platform added to the agent's message, for the compliance record. */
  added: Addition[];
}

export const RECORDING_NOTICE = 'This call may be recorded.';
export const OPT_OUT_NOTICE = 'To stop these calls, say stop at any time.';

/** Legal-form words that a speaker leaves out: "Acme Dental LLC" is identified by "Acme Dental". */
const LEGAL_FORMS = new Set([
  'llc',
  'l.l.c',
  'inc',
  'incorporated',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'llp',
  'lp',
  'pc',
  'pllc',
  'gmbh',
  'sa',
  'the',
]);
/** "AI" as a word (AI, A.I., AI-powered), or a plain-words equivalent. */
const SAYS_AI = [
  /(^|[^A-Za-z])A\.?I\.?(?![A-Za-z])/,
  /\b(an?|the|your) ai\b/i,
  /\b(artificial intelligence|artificial voice|virtual assistant|digital assistant|automated (assistant|agent|voice|system))\b/i,
];
const MENTIONS_RECORDING = /\brecord(ed|ing)?\b/i;
const MENTIONS_OPT_OUT =
  /\bsay stop\b|\bpress 9\b|\bopt[- ]out\b|\bstop (these|our|my|further)? ?calls\b|\bstop calling\b/i;
/** A greeting that is the whole first sentence ("Hello!"), dropped when a disclosure with its own greeting goes in front. */
const BARE_GREETING = /^(hi|hello|hey|good (morning|afternoon|evening))\s*[!.,]\s*/i;

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2019']s\b/g, '') // possessive: "Acme Dental's" names Acme Dental
    .replace(/[\u2019']/g, '')
    .split(/[^a-z0-9&]+/)
    .filter(Boolean);
}

/** The name as a speaker says it: lower case, no accents, no punctuation, no legal form. */
function spokenName(name: string): string {
  const all = words(name);
  const core = all.filter((w) => !LEGAL_FORMS.has(w));
  return (core.length ? core : all).join(' ');
}

/** True when `text` says `name` (legal form and punctuation aside), as whole words. */
export function mentionsName(text: string, name: string): boolean {
  const needle = spokenName(name);
  return needle !== '' && ` ${words(text).join(' ')} `.includes(` ${needle} `);
}

export function saysAi(text: string): boolean {
  return SAYS_AI.some((re) => re.test(text));
}

const sentences = (text: string) => text.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');

/** The disclosure sentence: who is calling, that it is an AI, and for which business. */
export function disclosureSentence(businessName: string, persona?: DisclosurePersona | null): string {
  const who = persona ? `${persona.caller_name.trim()}, an AI assistant` : 'an AI assistant';
  const company = persona?.company?.trim();
  // The persona's spelling when it names the registered business ("Acme Dental" for "Acme
  // Dental LLC", or "Acme Dental Downtown"); otherwise the registered name must still be said.
  let forWhom = businessName;
  if (company) forWhom = mentionsName(company, businessName) ? company : `${company} on behalf of ${businessName}`;
  return `Hi, this is ${who} calling for ${forWhom.replace(/[.!?]+$/, '')}.`;
}

/** The first utterance of a call, given its first message and the gate's obligations. */
export function composeFirstUtterance(input: FirstUtteranceInput): FirstUtterance {
  const businessName = input.businessName.trim();
  if (!businessName) throw new PlatformError('a registered business name is required to compose a disclosure');
  const message = (input.firstMessage ?? '').trim();
  const parts = sentences(message);
  const { obligations } = input;

  // The sentence by which the message has both named the business and said it is an AI.
  let identifiedAt = -1;
  for (let i = 0; i < parts.length && identifiedAt < 0; i++) {
    const sofar = parts.slice(0, i + 1).join(' ');
    if (mentionsName(sofar, businessName) && saysAi(sofar)) identifiedAt = i;
  }

  const added: Addition[] = [];
  const notices: string[] = [];
  if (obligations.recording_notice_required && !MENTIONS_RECORDING.test(message)) {
    notices.push(RECORDING_NOTICE);
    added.push('recording_notice');
  }
  if (obligations.opt_out_required && !MENTIONS_OPT_OUT.test(message)) {
    notices.push(OPT_OUT_NOTICE);
    added.push('opt_out');
  }

  if (identifiedAt < 0 && obligations.disclosure_required) {
    added.unshift('disclosure');
    const rest = message.replace(BARE_GREETING, '');
    const text = [disclosureSentence(businessName, input.persona), ...notices, rest].filter(Boolean).join(' ');
    return { text, added };
  }
  const at = identifiedAt + 1; // 0 when the message never identifies: notices go first.
  const text = [...parts.slice(0, at), ...notices, ...parts.slice(at)].join(' ');
  return { text, added };
}
