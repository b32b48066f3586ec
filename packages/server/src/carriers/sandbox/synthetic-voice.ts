import type { TimedWord } from '../../pipeline/speech-mark.js';
import { type CalleeVoice, splitWords, type VoiceAudio } from './voice.js';

const RATE = 8000;
/** A syllable every 170 ms is ~5.9 syllables/s, ordinary conversational English. */
const SYLLABLE_MS = 170;
const WORD_GAP_MS = 70;
const COMMA_GAP_MS = 200;
const SENTENCE_GAP_MS = 300;
const LEAD_MS = 60;
const TAIL_MS = 100;
/** Peak amplitude ≈ -11 dBFS: a loud-ish talker on a phone line, well above any VAD's threshold. */
const PEAK = 9000;
/** Harmonics of the buzz stay under 3.6 kHz, inside the 8 kHz line's passband. */
const MAX_HARMONIC_HZ = 3600;
/** Two fixed formant-like resonances (an open vowel) shape the harmonics' weights. */
const FORMANTS = [
  { hz: 700, width: 250 },
  { hz: 1200, width: 300 },
];

/**
 * A deterministic, fast, speech-like voice: per word, a voiced buzz (a falling pitch around
 * 120 Hz with vowel-like harmonic weights) under a syllable-rate amplitude envelope, a short
 * noise burst at each syllable's onset (the consonant), and pauses between words and after
 * punctuation. Word timings are exact by construction. It is not intelligible; it exists so that
 * density tests and VADs get audio with speech's rhythm and spectrum without a TTS process.
 */
export function createSyntheticVoice(): CalleeVoice {
  return async (text) => synthesize(text);
}

export function synthesize(text: string): VoiceAudio {
  const plan = planWords(text);
  const totalMs = plan.length === 0 ? LEAD_MS + TAIL_MS : (plan[plan.length - 1] as PlannedWord).gapEndMs + TAIL_MS;
  const pcm = new Int16Array(Math.round((totalMs * RATE) / 1000));
  let phase = 0;
  let noise = 0x2545f491;
  for (let w = 0; w < plan.length; w++) {
    const word = plan[w] as PlannedWord;
    const from = msToSample(word.startMs);
    const to = msToSample(word.endMs);
    const syllableSamples = (to - from) / word.syllables;
    for (let i = from; i < to; i++) {
      // Declination: pitch falls from ~135 Hz to ~105 Hz over the line, as a statement's does.
      const f0 = 135 - (30 * i) / pcm.length;
      phase += (2 * Math.PI * f0) / RATE;
      const inSyllable = ((i - from) % syllableSamples) / syllableSamples;
      const envelope = 0.2 + 0.8 * Math.sin(Math.PI * inSyllable) ** 2;
      let sample = buzz(phase, f0) * envelope;
      if (inSyllable < 0.09) {
        noise = (Math.imul(noise, 1103515245) + 12345) | 0;
        sample += ((noise >> 16) / 32768) * 0.35;
      }
      pcm[i] = Math.max(-32768, Math.min(32767, Math.round(sample * PEAK)));
    }
  }
  return {
    pcm,
    sampleRate: RATE,
    words: plan.map((p) => ({ text: p.text, startMs: p.startMs, endMs: p.endMs })),
  };
}

interface PlannedWord extends TimedWord {
  syllables: number;
  /** Where the pause after this word ends (the next word's start). */
  gapEndMs: number;
}

function planWords(text: string): PlannedWord[] {
  const plan: PlannedWord[] = [];
  let at = LEAD_MS;
  for (const word of splitWords(text)) {
    const letters = word.replace(/[^\p{L}\p{N}]/gu, '').length;
    const syllables = Math.max(1, Math.round(letters / 3));
    const endMs = at + syllables * SYLLABLE_MS;
    const gap = /[.?!]$/.test(word) ? SENTENCE_GAP_MS : /[,;:]$/.test(word) ? COMMA_GAP_MS : WORD_GAP_MS;
    plan.push({ text: word, startMs: at, endMs, syllables, gapEndMs: endMs + gap });
    at = endMs + gap;
  }
  if (plan.length > 0) {
    // No pause after the last word beyond the tail.
    const last = plan[plan.length - 1] as PlannedWord;
    last.gapEndMs = last.endMs;
  }
  return plan;
}

function msToSample(ms: number): number {
  return Math.round((ms * RATE) / 1000);
}

/** One sample of the voiced source: harmonics of f0 weighted by the formants, normalised to ≈ ±1. */
function buzz(phase: number, f0: number): number {
  let sum = 0;
  let norm = 0;
  for (let k = 1; k * f0 < MAX_HARMONIC_HZ; k++) {
    const hz = k * f0;
    let weight = 0.15 / k;
    for (const formant of FORMANTS) {
      const d = (hz - formant.hz) / formant.width;
      weight += Math.exp(-d * d);
    }
    sum += weight * Math.sin(k * phase);
    norm += weight;
  }
  return (sum / norm) * 2.2;
}
