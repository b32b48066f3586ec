import * as chrono from 'chrono-node';

/**
 * What a caller's line asks for, by plain patterns: the requests the sandbox scenarios make and
 * that the offline `scripted` LLM and the post-call extractor must recognise (sandbox.md). Not a
 * language model: it knows the usual phrasings and nothing else, on purpose.
 */
export type Intent =
  | { type: 'dnc' }
  | { type: 'transfer' }
  | { type: 'callback' /** The time phrase as said ("tomorrow afternoon"), when there is one. */; when?: string }
  | { type: 'goodbye' };

const DNC = [
  /\b(do not|don't|dont|never) call\b/,
  /\bstop (calling|contacting)\b/,
  /\bremove (me|my number)\b/,
  /\bdo[- ]not[- ]call list\b/,
  /\btake (me|my number) off\b/,
  /\bunsubscribe\b/,
];
const TRANSFER = [
  /\b(speak|talk) (to|with) (a |an |the |some |someone|somebody)?(real |actual |live )?(human|person|agent|representative|operator|manager|someone|somebody)\b/,
  /\b(transfer|connect|put) me (to|through|with)\b/,
  /\b(real|live|actual) (person|human)\b/,
];
const CALLBACK = [
  /\bcall (me )?back\b/,
  /\bcall (me )?(again )?(later|tomorrow|another time|next week|in the (morning|afternoon|evening))\b/,
  /\b(not a good time|bad time|busy right now|in a meeting)\b/,
  /\btry (me )?(again )?(later|tomorrow)\b/,
];
const GOODBYE = [/\b(good ?bye|bye)\b/, /\bnot interested\b/, /\bhang(ing)? up\b/, /\bthat'?s all\b/];

const normalise = (text: string) => text.toLowerCase().replace(/[’]/g, "'");

/** The request in `text`, if any; when several, the strongest (do-not-call, transfer, call-back, goodbye). */
export function detectIntent(text: string): Intent | null {
  const t = normalise(text);
  if (DNC.some((r) => r.test(t))) return { type: 'dnc' };
  if (TRANSFER.some((r) => r.test(t))) return { type: 'transfer' };
  if (CALLBACK.some((r) => r.test(t))) {
    // "busy right now" parses as a date too; the callee's "when" is the other one.
    const when = chrono.parse(text).find((r) => !/^(right )?now$/i.test(r.text))?.text;
    return when ? { type: 'callback', when } : { type: 'callback' };
  }
  if (GOODBYE.some((r) => r.test(t))) return { type: 'goodbye' };
  return null;
}

const YES =
  /^(yes|yeah|yep|yup|sure|correct|right|absolutely|definitely|of course|certainly|ok|okay|that's right|that is right|sounds good|please do|i do|i am|i will|it is|that works)\b/;
const NO =
  /^(no|nope|nah|not really|negative|never|i don't|i do not|i'm not|i am not|i won't|it isn't|it's not|that's wrong|not at all)\b/;

/** A yes or no answer, read from how the line starts ("Yes, tomorrow works", "No thanks"). */
export function yesNo(text: string): 'yes' | 'no' | null {
  const t = normalise(text)
    .replace(/^[\s,.!?-]*(uh|um|er|well|oh|hmm)\b[\s,.!?-]*/, '')
    .trim();
  if (NO.test(t)) return 'no';
  if (YES.test(t)) return 'yes';
  return null;
}
