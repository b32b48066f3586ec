import { execFile, spawn } from 'node:child_process';
import { PlatformError } from '../../errors.js';
import { parseWav, wavSamples } from '../../pipeline/audio/wav.js';
import type { TimedWord } from '../../pipeline/speech-mark.js';
import { resampleTo8k } from './narrowband.js';
import { type CalleeVoice, splitWords, type VoiceAudio } from './voice.js';

export interface EspeakVoiceOptions {
  /** The binary (default `espeak-ng` on PATH). */
  binary?: string;
  /** espeak-ng voice (default `en-us`). */
  voice?: string;
  /** Words per minute (default 165, espeak's 175 is brisk on a phone line). */
  wordsPerMinute?: number;
  /** Distinct lines kept (default 256); the oldest is dropped first. */
  cacheSize?: number;
}

/** Samples quieter than this (≈ -42 dBFS) count as the silence espeak pads a line with. */
const SILENCE_LEVEL = 256;
/** A line takes espeak ~50 ms; anything past 10 s is a stuck process. */
const TIMEOUT_MS = 10_000;

/**
 * The callee speaks with espeak-ng (the system binary): real, intelligible speech, so sandbox
 * recordings are worth listening to. Text goes in on stdin (never through a shell or argv, so
 * a line starting with `-` is just words); a WAV at 22,050 Hz comes out on stdout and is
 * brought to 8 kHz here. Word timings are estimated: the voiced span (padding trimmed) is shared
 * among the words in proportion to their letters, plus one per word for its boundary. That is
 * close enough for the sandbox STT's interim transcripts; the line's end is exact.
 * Lines are cached by text: the same few lines are said on every sandbox call.
 */
export function createEspeakVoice(options: EspeakVoiceOptions = {}): CalleeVoice {
  const { binary = 'espeak-ng', voice = 'en-us', wordsPerMinute = 165, cacheSize = 256 } = options;
  const cache = new Map<string, Promise<VoiceAudio>>();
  return (text) => {
    const cached = cache.get(text);
    if (cached) return cached;
    const rendering = speak({ binary, voice, wordsPerMinute, text }).then((wav) => toVoiceAudio(wav, text));
    rendering.catch(() => cache.delete(text));
    cache.set(text, rendering);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return rendering;
  };
}

/** True when the espeak-ng binary runs. */
export function espeakAvailable(binary = 'espeak-ng'): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 5000 }, (error) => resolve(!error));
  });
}

function speak(options: { binary: string; voice: string; wordsPerMinute: number; text: string }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.binary,
      ['--stdout', '--stdin', '-v', options.voice, '-s', String(options.wordsPerMinute)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: TIMEOUT_MS,
      },
    );
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', (error) => reject(new PlatformError(`espeak-ng could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new PlatformError(`espeak-ng failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
    child.stdin.end(options.text);
  });
}

/** Reads espeak's WAV. Its header's sizes are placeholders when writing to a pipe, so the data runs to the end. */
function readWav(wav: Buffer): { pcm: Int16Array; sampleRate: number } {
  try {
    const parsed = parseWav(wav);
    if (parsed.channels !== 1 || parsed.encoding !== 'pcm16')
      throw new Error(`${parsed.channels} channels, ${parsed.encoding}`);
    return { pcm: wavSamples(parsed), sampleRate: parsed.sampleRate };
  } catch (err) {
    throw new PlatformError(`espeak-ng did not write a mono PCM16 WAV file: ${(err as Error).message}`);
  }
}

function toVoiceAudio(wav: Buffer, text: string): VoiceAudio {
  const parsed = readWav(wav);
  const pcm = resampleTo8k(parsed.pcm, parsed.sampleRate);
  return { pcm, sampleRate: 8000, words: estimateWords(pcm, 8000, text) };
}

function estimateWords(pcm: Int16Array, sampleRate: number, text: string): TimedWord[] {
  const words = splitWords(text);
  let first = 0;
  while (first < pcm.length && Math.abs(pcm[first] as number) < SILENCE_LEVEL) first++;
  let last = pcm.length - 1;
  while (last > first && Math.abs(pcm[last] as number) < SILENCE_LEVEL) last--;
  const startMs = (first * 1000) / sampleRate;
  const spanMs = Math.max(0, ((last + 1 - first) * 1000) / sampleRate);
  const weights = words.map((word) => word.replace(/[^\p{L}\p{N}]/gu, '').length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let at = startMs;
  return words.map((word, i) => {
    const ms = (spanMs * (weights[i] as number)) / total;
    const timed = { text: word, startMs: Math.round(at), endMs: Math.round(at + ms) };
    at += ms;
    return timed;
  });
}
