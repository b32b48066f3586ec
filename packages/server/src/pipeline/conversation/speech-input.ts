import type { SttProvider, SttStream } from '../../providers/stt/stt.js';
import type { Clock } from '../clock.js';
import type { Direction, Frame } from '../frames/index.js';
import { frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';
import type { ConversationVad, ConversationVadStream } from './types.js';

export interface SpeechInputOptions {
  clock: Clock;
  vad: ConversationVad;
  /** The STT with its retries and fallback already wrapped in (`providers/fallback.ts`). */
  stt: SttProvider;
  language: string;
  model?: string;
  sttOptions?: Record<string, unknown>;
  /** Each VAD event as the VAD decides it (before it travels down the pipeline as a frame). */
  onVadEvent?: (event: { type: 'speech_start' | 'speech_end'; at: number }) => void;
}

/**
 * The listening stage: every 16 kHz caller frame goes to the VAD and to one STT session for the
 * whole call. Out (downstream, in order): `user.started_speaking` / `user.stopped_speaking` from
 * the VAD, `transcript.interim` / `transcript.final` from the STT. Audio frames stop here.
 *
 * Retries and the switch to the agent's fallback STT happen inside the provider (the registry
 * wraps them in: `providers/fallback-stt.ts` replays the audio since the last final into the new
 * session); an error that reaches this stage is final, a fatal error frame.
 */
export class SpeechInputProcessor extends FrameProcessor {
  private readonly vadStream: ConversationVadStream;
  private session: SttStream | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly options: SpeechInputOptions) {
    super('speech-input');
    this.vadStream = options.vad.createStream({ clock: options.clock });
    this.vadStream.onEvent((e) => {
      options.onVadEvent?.(e);
      const type = e.type === 'speech_start' ? 'user.started_speaking' : 'user.stopped_speaking';
      this.pushFrame(frame(type, { at: e.at }));
    });
    this.open(options.stt);
  }

  protected processFrame(f: Frame, direction: Direction): void {
    if (f.type !== 'audio.input') {
      this.pushFrame(f, direction);
      return;
    }
    this.vadStream.push(f.pcm);
    this.session?.pushAudio(f.pcm, f.mark);
  }

  protected override onStop(): void {
    this.abort.abort();
    this.session?.endInput();
    this.session = null;
    this.vadStream.close();
  }

  private open(stt: SttProvider): void {
    const session = stt.stream({
      language: this.options.language,
      model: this.options.model,
      sampleRate: 16000,
      options: this.options.sttOptions,
      signal: this.abort.signal,
    });
    this.session = session;
    this.track(this.read(session));
  }

  private async read(session: SttStream): Promise<void> {
    try {
      for await (const e of session) {
        if (e.type === 'interim') {
          this.pushFrame(frame('transcript.interim', { text: e.text, confidence: e.confidence, at: e.at }));
        } else if (e.type === 'final') {
          this.pushFrame(frame('transcript.final', { text: e.text, endOfUtterance: e.endOfUtterance, at: e.at }));
        }
      }
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.pushError(error, true);
    }
  }
}
