/**
 * Turns an objective into the features the statistical classifier counts: lowercase, light
 * stemming, stop words dropped from unigrams, plus bigrams over the full token sequence (so
 * "follow up", "how much", "check on" survive although each word alone is a stop word or
 * ambiguous). Numbers are classed (`#money`, `#pct`, `#num`, `#time`) because "$70" says
 * negotiation or price while "70" alone says little.
 */

/**
 * Words too common in objectives of every kind to count alone. Deliberately short: "if",
 * "whether", "back", "up", "on", "much" carry meaning in bigrams, so they only leave unigrams.
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but to of in on at for by with from into about as is are was were be been it its ' +
    'this that these those i me my we us our you your they them their he him his she her what which who ' +
    'whom when where how if whether do does did can could would will should may might must shall ' +
    'there here so some any all just also than then too very up out back off over get got call phone ' +
    'ask tell see find let know please need want like one'
  ).split(' '),
);

/** A word boundary the tokenizer splits on: anything but letters, digits and the number marks it classes. */
const SPLIT = /[^a-z0-9$%:#]+/;

/** Lowercase, straight quotes, contractions joined ("didn't" → "didnt"), one space. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/(\w)'(\w)/g, '$1$2')
    .replace(/(\d),(\d)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

function classify(token: string): string {
  if (/^\$/.test(token) || /^\d[\d,.]*k$/.test(token)) return '#money';
  if (/%$/.test(token) || token === 'percent') return '#pct';
  if (/^\d{1,2}(:\d\d)?(am|pm)$/.test(token) || /^\d{1,2}:\d\d$/.test(token)) return '#time';
  if (/^\d/.test(token)) return '#num';
  return token;
}

/**
 * A light suffix stemmer: enough to join "reserve/reserved/reserving/reservation" and
 * "quote/quotes", not a full Porter stemmer (which conflates too much on twenty-word texts).
 * Words of four letters or fewer are left alone.
 */
export function stem(word: string): string {
  if (word.length <= 4 || word.startsWith('#')) return word;
  const rules: Array<[RegExp, string]> = [
    [/ations?$/, ''],
    [/ies$/, 'y'],
    [/(ss)es$/, '$1'],
    [/([^s])s$/, '$1'],
    [/ing$/, ''],
    [/ed$/, ''],
    [/ly$/, ''],
    [/ment$/, ''],
    [/e$/, ''],
  ];
  let out = word;
  for (const [re, to] of rules) {
    const next = out.replace(re, to);
    if (next !== out && next.length >= 3) out = next;
  }
  return out;
}

/** The stemmed tokens of `text` in order, each marked whether it is a stop word (bigrams need both). */
export function tokens(text: string): Array<{ token: string; stop: boolean }> {
  return normalise(text)
    .split(SPLIT)
    .map((t) => classify(t.replace(/:$/, '')))
    .filter((t) => t.length > 0 && t !== ':' && t !== '#')
    .map((t) => ({ token: stem(t), stop: STOP_WORDS.has(t) }));
}

/** Unigrams without stop words, and bigrams unless both words are stop words. */
export function features(text: string): string[] {
  const toks = tokens(text);
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const { token, stop } = toks[i] as { token: string; stop: boolean };
    if (!stop) out.push(token);
    const next = toks[i + 1];
    if (next !== undefined && !(stop && next.stop)) out.push(`${token} ${next.token}`);
  }
  return out;
}
