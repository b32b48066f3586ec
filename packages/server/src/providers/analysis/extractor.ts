import { detectIntent, yesNo } from '../llm/intents.js';
import { humanise, questionFor } from '../llm/questions.js';
import { type FoundDate, findDates, findEmails, findNames, findNumbers, findPhones } from './entities.js';

/**
 * The deterministic post-call analysis of test mode (sandbox.md): structured data and a summary
 * read from the transcript with patterns and chrono-node, not a model. Honest about it: a value
 * it cannot find is `null`, never guessed.
 */

export interface TranscriptLine {
  role: 'agent' | 'user' | 'system';
  text: string;
}

export interface ExtractOptions {
  /** When the call took place: "tomorrow" is relative to it. */
  referenceTime: Date;
  /** The callee's IANA time zone (default UTC); dates come out in it. */
  timeZone?: string;
  /** The agent's `extraction_schema` (JSON Schema, type object); its properties are filled. */
  schema?: Record<string, unknown> | null;
}

export interface Extraction {
  /** One value per schema property (`null` when not found), typed as the schema says. */
  data: Record<string, unknown>;
  summary: string;
  /** Everything found, schema or not. */
  entities: {
    dates: FoundDate[];
    numbers: number[];
    emails: string[];
    phones: string[];
    names: string[];
    /** The callee's yes/no replies to the agent's questions. */
    answers: { question: string; answer: 'yes' | 'no'; text: string }[];
  };
  /** What the callee asked for; the call's outcome is decided from these. */
  requests: { dnc: boolean; transfer: boolean; callback: { said: string; at: string | null } | null };
}

const STOP = new Set([
  'the',
  'a',
  'an',
  'your',
  'you',
  'is',
  'what',
  'can',
  'confirm',
  'of',
  'to',
  'for',
  'do',
  'we',
  'should',
  'would',
  'like',
  'please',
]);
const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP.has(w)),
  );

/** Each agent question with the callee's next line (if the callee answered before the agent spoke again). */
function questionReplies(lines: readonly TranscriptLine[]): { question: string; reply: string }[] {
  const pairs: { question: string; reply: string }[] = [];
  lines.forEach((line, i) => {
    if (line.role !== 'agent' || !line.text.includes('?')) return;
    const next = lines.slice(i + 1).find((l) => l.role !== 'system');
    if (next?.role === 'user') pairs.push({ question: line.text, reply: next.text });
  });
  return pairs;
}

export function extract(transcript: readonly TranscriptLine[], options: ExtractOptions): Extraction {
  const timeZone = options.timeZone ?? 'UTC';
  const user = transcript.filter((l) => l.role === 'user');
  const pairs = questionReplies(transcript);
  const datesIn = (text: string) => findDates(text, options.referenceTime, timeZone);
  const entities: Extraction['entities'] = {
    dates: user.flatMap((l) => datesIn(l.text)),
    numbers: user.flatMap((l) => findNumbers(l.text)),
    emails: [...new Set(user.flatMap((l) => findEmails(l.text)))],
    phones: [...new Set(user.flatMap((l) => findPhones(l.text)))],
    names: [...new Set(user.flatMap((l) => findNames(l.text)))],
    answers: pairs.flatMap(({ question, reply }) => {
      const answer = yesNo(reply);
      return answer ? [{ question, answer, text: reply }] : [];
    }),
  };

  const intents = user.map((l) => ({ line: l.text, intent: detectIntent(l.text) }));
  const callbackLine = intents.find((x) => x.intent?.type === 'callback');
  const callbackDate = callbackLine ? datesIn(callbackLine.line)[0] : undefined;
  const requests: Extraction['requests'] = {
    dnc: intents.some((x) => x.intent?.type === 'dnc'),
    transfer: intents.some((x) => x.intent?.type === 'transfer'),
    callback: callbackLine ? { said: callbackDate?.text ?? callbackLine.line, at: callbackDate?.iso ?? null } : null,
  };

  const data: Record<string, unknown> = {};
  const properties = (options.schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, property] of Object.entries(properties)) {
    // The callee's reply to the question about this property: the one the scripted policy asked, else the closest by words.
    const key = words(`${humanise(name)} ${typeof property?.description === 'string' ? property.description : ''}`);
    const asked = questionFor(name, property ?? {});
    const overlap = (q: string) => [...words(q)].filter((w) => key.has(w)).length;
    const best = pairs
      .map((p) => ({ ...p, score: p.question.includes(asked) ? 100 : overlap(p.question) }))
      .filter((p) => p.score > 0)
      .sort((a, b) => b.score - a.score)[0];
    data[name] = valueFor(name, property ?? {}, best?.reply, { entities, requests, datesIn, callbackDate });
  }

  return { data, summary: summarise(transcript, pairs, entities, requests), entities, requests };
}

function valueFor(
  name: string,
  property: Record<string, unknown>,
  reply: string | undefined,
  found: {
    entities: Extraction['entities'];
    requests: Extraction['requests'];
    datesIn: (text: string) => FoundDate[];
    callbackDate: FoundDate | undefined;
  },
): unknown {
  const topic = `${humanise(name)} ${String(property.description ?? '')}`.toLowerCase();
  const { entities } = found;
  const type = property.type;
  const format = property.format;
  if (type === 'boolean') {
    const answer = reply ? yesNo(reply) : (entities.answers.at(-1)?.answer ?? null);
    return answer === null ? null : answer === 'yes';
  }
  if (type === 'number' || type === 'integer') {
    const n = (reply ? findNumbers(reply)[0] : undefined) ?? entities.numbers[0];
    if (n === undefined) return null;
    return type === 'integer' ? Math.round(n) : n;
  }
  if (/e-?mail/.test(topic) || format === 'email')
    return (reply ? findEmails(reply)[0] : undefined) ?? entities.emails[0] ?? null;
  if (/phone|mobile|cell/.test(topic)) return (reply ? findPhones(reply)[0] : undefined) ?? entities.phones[0] ?? null;
  if (/\bname\b/.test(topic)) return (reply ? findNames(reply)[0] : undefined) ?? entities.names[0] ?? null;
  if (
    /date|time|when|callback|call back|appointment|schedule|day/.test(topic) ||
    format === 'date' ||
    format === 'date-time'
  ) {
    const date = /callback|call back/.test(topic)
      ? (found.callbackDate ?? (reply ? found.datesIn(reply)[0] : undefined))
      : ((reply ? found.datesIn(reply)[0] : undefined) ?? entities.dates[0]);
    if (!date) return null;
    return format === 'date' ? date.iso.slice(0, 10) : date.iso;
  }
  return reply?.trim() || null;
}

function summarise(
  transcript: readonly TranscriptLine[],
  pairs: readonly { question: string; reply: string }[],
  entities: Extraction['entities'],
  requests: Extraction['requests'],
): string {
  const user = transcript.filter((l) => l.role === 'user');
  if (user.length === 0) return 'The callee did not speak.';
  const parts: string[] = [];
  const who = entities.names[0] ? `The callee (${entities.names[0]})` : 'The callee';
  parts.push(`${who} answered ${pairs.length} of the agent's questions.`);
  if (requests.dnc) parts.push('They asked not to be called again.');
  if (requests.transfer) parts.push('They asked to speak to a person.');
  if (requests.callback)
    parts.push(`They asked to be called back${requests.callback.at ? ` ${requests.callback.said}` : ''}.`);
  const yes = entities.answers.filter((a) => a.answer === 'yes').length;
  const no = entities.answers.length - yes;
  if (entities.answers.length) parts.push(`Yes/no answers: ${yes} yes, ${no} no.`);
  if (entities.emails.length) parts.push(`Email: ${entities.emails.join(', ')}.`);
  if (entities.dates.length && !requests.callback)
    parts.push(`Time mentioned: ${entities.dates[0]?.text} (${entities.dates[0]?.iso}).`);
  return parts.join(' ');
}
