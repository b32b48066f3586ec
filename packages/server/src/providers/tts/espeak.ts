import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ProviderError } from '../../errors.js';
import { Resampler22050 } from '../../pipeline/audio/resample-22050.js';
import type { Clock } from '../../pipeline/clock.js';
import type { Availability } from '../registry.js';
import { SegmentedTtsSession } from './segmented-session.js';
import type { TtsProvider, TtsStream, TtsStreamOptions } from './tts.js';
import { WavStreamReader } from './wav-stream.js';

const run = promisify(execFile);
const LABEL = 'espeak.tts';

export interface EspeakTtsOptions {
  clock: Clock;
  /** The espeak-ng executable (default `espeak-ng` on the PATH). */
  binary?: string;
  /** Speaking rate (espeak `-s`, default 165 words per minute: a little slower than espeak's 175, for the phone). */
  wordsPerMinute?: number;
}

/** Is the binary there? The registry reports this at start, so a missing package is named before a call needs it. */
export async function espeakAvailability(binary = 'espeak-ng'): Promise<Availability> {
  try {
    await run(binary, ['--version'], { timeout: 5000 });
    return { ok: true };
  } catch {
    return { ok: false, reason: `${binary} is not installed (Debian/Ubuntu: apt-get install espeak-ng)` };
  }
}

/** An espeak voice name as the agent may give it: `en-us`, `en-gb-scotland`, `en-us+f3`. */
const VOICE_NAME = /^[a-z]{2,3}(-[a-z0-9]{1,8})*(\+[a-z0-9]{1,16})?$/i;

/**
 * The voice for a BCP 47 language: `en-US` → `en-us`; a language espeak lacks falls back to its
 * primary subtag (`fr-CA` → `fr`), then to `en-us`. `voices` is what `espeak-ng --voices` lists.
 */
export function espeakVoice(language: string, voice: string | undefined, voices: ReadonlySet<string>): string {
  if (voice && VOICE_NAME.test(voice) && voices.has(voice.toLowerCase().split('+')[0] as string))
    return voice.toLowerCase();
  const tag = language.toLowerCase();
  if (voices.has(tag)) return tag;
  const primary = tag.split('-')[0] as string;
  if (voices.has(primary)) return primary;
  return 'en-us';
}

/**
 * The offline TTS (sandbox.md): the espeak-ng binary, one process per flushed segment, its WAV
 * read from stdout as it is produced and resampled from 22,050 Hz to the asked rate, so the first
 * clause plays while the next is still being written. Real speech, robotic but intelligible:
 * recordings of test calls are WAV files a person can listen to. An 8-word sentence takes ~22 ms
 * (p50) to first audio on a loaded 2-core machine (espeak.test.ts prints it). On a virtual clock the synthesis
 * holds the clock (`VirtualClock.hold`), so it costs no virtual time.
 */
export class EspeakTts implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly label = LABEL;
  readonly capabilities = { streaming: true, sampleRates: [16000, 8000, 24000, 22050] as const };
  private voices: Promise<Set<string>> | null = null;

  constructor(private readonly options: EspeakTtsOptions) {}

  stream(streamOptions: TtsStreamOptions): TtsStream {
    return new EspeakSession(this.options, streamOptions, this.listVoices());
  }

  /** The language codes espeak-ng knows (listed once per provider). */
  private listVoices(): Promise<Set<string>> {
    this.voices ??= run(this.options.binary ?? 'espeak-ng', ['--voices'], { timeout: 5000 }).then(
      ({ stdout }) => {
        const codes = new Set<string>();
        for (const line of stdout.split('\n').slice(1)) {
          const lang = line.trim().split(/\s+/)[1];
          if (lang) codes.add(lang.toLowerCase());
        }
        return codes;
      },
      () => new Set<string>(),
    );
    return this.voices;
  }
}

class EspeakSession extends SegmentedTtsSession {
  private child: ChildProcess | null = null;
  private readonly signal: AbortSignal | undefined;

  constructor(
    private readonly options: EspeakTtsOptions,
    private readonly streamOptions: TtsStreamOptions,
    private readonly voices: Promise<Set<string>>,
  ) {
    super();
    this.signal = streamOptions.signal;
    if (this.signal?.aborted) this.abort();
    else this.signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  /** Taken before the first await, so a virtual clock cannot move between flush and synthesis. */
  protected override hold(): (() => void) | undefined {
    return (this.options.clock as { hold?: () => () => void }).hold?.call(this.options.clock);
  }

  protected async synthesise(segment: number, text: string): Promise<void> {
    const voice = espeakVoice(this.streamOptions.language, this.streamOptions.voice, await this.voices);
    const rate = this.streamOptions.sampleRate;
    const wpm = Math.round(Math.min(450, Math.max(80, this.options.wordsPerMinute ?? 165)));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(this.options.binary ?? 'espeak-ng', ['--stdout', '-b', '1', '-v', voice, '-s', String(wpm)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.child = child;
      const wav = new WavStreamReader();
      let resampler: Resampler22050 | null = null;
      let stderr = '';
      const emit = (pcm: Int16Array) => {
        if (pcm.length > 0 && !this.out.closed) this.out.push({ type: 'audio', segment, pcm });
      };
      child.stdout.on('data', (bytes: Buffer) => {
        try {
          const pcm = wav.push(bytes);
          if (pcm.length === 0) return;
          if (wav.sampleRate !== rate) {
            if (wav.sampleRate !== 22050) throw new Error(`espeak-ng wrote ${wav.sampleRate} Hz; expected 22050`);
            resampler ??= new Resampler22050(rate);
            emit(resampler.process(pcm));
          } else emit(pcm);
        } catch (error) {
          child.kill('SIGKILL');
          reject(
            new ProviderError({ provider: LABEL, retryable: false, message: `espeak-ng: ${(error as Error).message}` }),
          );
        }
      });
      child.stderr.on('data', (bytes: Buffer) => {
        stderr += bytes.toString();
      });
      child.on('error', (error) =>
        reject(
          new ProviderError({
            provider: LABEL,
            retryable: false,
            message: `espeak-ng could not start: ${error.message} (Debian/Ubuntu: apt-get install espeak-ng)`,
            cause: error,
          }),
        ),
      );
      child.on('close', (code, signal) => {
        this.child = null;
        if (this.out.closed) return resolve();
        if (code !== 0)
          return reject(
            new ProviderError({
              provider: LABEL,
              retryable: false,
              message: `espeak-ng exited with ${code ?? signal}: ${stderr.trim().slice(0, 300)}`,
            }),
          );
        if (resampler) emit(resampler.flush());
        resolve();
      });
      child.stdin.on('error', () => {});
      child.stdin.end(text.replace(/\s+/g, ' '));
    });
  }

  private abort(): void {
    this.child?.kill('SIGKILL');
    this.out.abort();
  }
}
