import { FormData } from 'undici';
import { encodePcm16Wav } from '../../pipeline/audio/wav.js';
import type { Clock } from '../../pipeline/clock.js';
import { EnergyVad } from '../../pipeline/vad/energy.js';
import type { VadStream } from '../../pipeline/vad/vad.js';
import { AsyncQueue } from '../async-queue.js';
import { toProviderError } from '../errors.js';
import { holdClock, type OpenAiEndpoint, openAiPost } from '../llm/openai-http.js';
import type { SttEvent, SttProvider, SttStream, SttStreamOptions } from './stt.js';

const LABEL = 'openai.stt';
const RATE = 16000;
/** Audio kept from before the VAD's `speech_start` (it decides 150 ms into the speech) so the first syllable is sent. */
const PRE_ROLL_SAMPLES = (300 * RATE) / 1000;
/** Whisper reads 30 s windows; a longer utterance is cut there and sent as two. */
const MAX_UTTERANCE_SAMPLES = 30 * RATE;

export interface OpenAiSttOptions {
  clock: Clock;
  endpoint: OpenAiEndpoint;
  /** Used when the agent names none (default `whisper-1`; a faster-whisper server names its own, e.g. `Systran/faster-whisper-small`). */
  model?: string;
  /** Silence that ends an utterance (default 400 ms; the agent option `silence_ms`). */
  silenceMs?: number;
}

/**
 * OpenAI-compatible batch transcription (`POST {base}/audio/transcriptions`, multipart with a
 * 16 kHz mono WAV; served by OpenAI and by faster-whisper servers such as speaches): the session
 * cuts the caller's audio into utterances with an energy VAD (`pipeline/vad/energy.ts`: the
 * same decisions as the engine's offline VAD, ~1 µs a frame) and sends each one whole when its
 * speech ends, after 30 s of it, on `flush()` (the engine's endpointing) or on `endInput()`.
 * One final per utterance, `endOfUtterance: true`, no interims, finals in order.
 *
 * Raw undici `fetch` with the platform `FormData`, not the SDK (openai-http.ts). Each final
 * carries `audioSeconds`, the length of audio sent (what OpenAI bills for whisper-1).
 * A failed request fails the session with a classified `ProviderError`; the fallback wrapper
 * reopens and replays the audio since the last final, so the utterance is sent again.
 * Agent options (`stt.options`): `prompt` (vocabulary hint), `temperature`, `silence_ms`.
 */
export class OpenAiStt implements SttProvider {
  readonly kind = 'stt' as const;
  readonly label = LABEL;
  readonly capabilities = { interim: false, wordTimings: false, sampleRates: [RATE] as const };

  constructor(private readonly options: OpenAiSttOptions) {}

  stream(options: SttStreamOptions): SttStream {
    return new OpenAiSttSession(this.options, options);
  }
}

class OpenAiSttSession implements SttStream {
  private readonly out = new AsyncQueue<SttEvent>();
  private readonly controller = new AbortController();
  private readonly vad: VadStream;
  /**
   * The audio: between utterances the last 300 ms (older samples are dropped as frames
   * come), during one the utterance from its pre-roll on. One buffer, grown by doubling and then
   * reused, so a frame costs a copy and no allocation.
   */
  private audio = new Int16Array(5 * RATE);
  private length = 0;
  private speaking = false;
  /** Requests run one after the other so finals come out in order. */
  private chain: Promise<void> = Promise.resolve();
  private inputEnded = false;

  constructor(
    private readonly options: OpenAiSttOptions,
    private readonly streamOptions: SttStreamOptions,
  ) {
    const silence = streamOptions.options?.silence_ms;
    this.vad = new EnergyVad().createStream({
      clock: options.clock,
      minSilenceMs: typeof silence === 'number' ? silence : (options.silenceMs ?? 400),
    });
    this.vad.onEvent((event) => {
      if (event.type === 'speech_start') this.startUtterance();
      else this.cut(true);
    });
    const signal = streamOptions.signal;
    if (signal?.aborted) this.abort();
    else signal?.addEventListener('abort', () => this.abort(), { once: true });
  }

  pushAudio(pcm: Int16Array): void {
    if (this.inputEnded || this.out.closed) return;
    if (!this.speaking && this.length + pcm.length > 2 * PRE_ROLL_SAMPLES) this.keepLast(PRE_ROLL_SAMPLES);
    if (this.length + pcm.length > this.audio.length) {
      const grown = new Int16Array(Math.max(2 * this.audio.length, this.length + pcm.length));
      grown.set(this.audio.subarray(0, this.length));
      this.audio = grown;
    }
    this.audio.set(pcm, this.length);
    this.length += pcm.length;
    // The VAD's events (start, end) run inside this push, with the frame already buffered.
    this.vad.push(pcm);
    if (this.speaking && this.length >= MAX_UTTERANCE_SAMPLES) this.cut(false);
  }

  flush(): void {
    this.cut(true);
  }

  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.cut(true);
    this.vad.close();
    void this.chain.then(() => this.out.end());
  }

  [Symbol.asyncIterator](): AsyncIterator<SttEvent> {
    return this.out[Symbol.asyncIterator]();
  }

  private startUtterance(): void {
    if (this.speaking) return;
    this.speaking = true;
    this.keepLast(PRE_ROLL_SAMPLES);
    this.out.push({ type: 'speech_started', at: this.options.clock.now() });
  }

  /** Drops all but the last `samples` of the buffer. */
  private keepLast(samples: number): void {
    if (this.length <= samples) return;
    this.audio.copyWithin(0, this.length - samples, this.length);
    this.length = samples;
  }

  /** Sends the utterance heard so far; `ended`: the speech is over (else it goes on after a 30 s cut). */
  private cut(ended: boolean): void {
    if (!this.speaking) return;
    const seconds = this.length / RATE;
    const wav = encodePcm16Wav(this.audio.subarray(0, this.length), { sampleRate: RATE });
    this.length = 0;
    if (ended) {
      this.speaking = false;
      this.out.push({ type: 'speech_ended', at: this.options.clock.now() });
    }
    this.chain = this.chain.then(() => this.transcribe(wav, seconds));
  }

  private async transcribe(wav: Buffer, seconds: number): Promise<void> {
    if (this.out.closed) return;
    const extra = this.streamOptions.options ?? {};
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', this.streamOptions.model ?? this.options.model ?? 'whisper-1');
    // ISO 639-1, as the endpoint asks ("en", not "en-US").
    const language = this.streamOptions.language.split('-')[0]?.toLowerCase();
    if (language) form.append('language', language);
    form.append('response_format', 'json');
    if (typeof extra.prompt === 'string') form.append('prompt', extra.prompt);
    if (typeof extra.temperature === 'number') form.append('temperature', String(extra.temperature));
    const release = holdClock(this.options.clock);
    try {
      const response = await openAiPost({
        provider: LABEL,
        endpoint: this.options.endpoint,
        path: '/audio/transcriptions',
        body: form,
        signal: this.controller.signal,
      });
      const json = (await response.json()) as { text?: unknown };
      const text = typeof json.text === 'string' ? json.text.trim() : '';
      // A cough or a line noise the VAD took for speech transcribes to nothing: no turn.
      if (!text) return;
      this.out.push({
        type: 'final',
        text,
        endOfUtterance: true,
        audioSeconds: seconds,
        at: this.options.clock.now(),
      });
    } catch (error) {
      if (!this.controller.signal.aborted) this.out.fail(toProviderError(LABEL, error));
    } finally {
      release();
    }
  }

  private abort(): void {
    this.controller.abort();
    this.vad.close();
    this.out.abort();
  }
}
