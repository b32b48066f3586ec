import type { AgentConfig } from '../../agents/schema.js';
import type { CarrierCall } from '../../carriers/carrier.js';
import type { FallbackEvent } from '../../providers/fallback.js';
import type { LlmProvider } from '../../providers/llm/llm.js';
import { defaultProviderRegistry, type ProviderRegistry } from '../../providers/registry.js';
import type { SttProvider } from '../../providers/stt/stt.js';
import type { TtsProvider } from '../../providers/tts/tts.js';
import type { Clock } from '../clock.js';
import { CallRecorder, type RecordingResult } from '../recording/call-recorder.js';
import { createVad, type Vad } from '../vad/vad.js';
import { startConversation } from './conversation.js';
import type { ConversationEvent, ConversationHandle, ConversationOptions, ConversationResult } from './types.js';

/** What the call lifecycle knows when a call is answered (or about to be). */
export interface SessionOptions
  extends Pick<
    ConversationOptions,
    | 'variables'
    | 'tools'
    | 'allowPrivateToolUrls'
    | 'turnTaking'
    | 'repromptText'
    | 'goodbyeText'
    | 'answered'
    | 'earlyResponse'
  > {
  agent: AgentConfig;
  call: CarrierCall;
  clock: Clock;
  /** The API key's mode: `test` runs the offline providers unless the tenant asks for real ones (sandbox.md). */
  mode: 'test' | 'live';
  /** The tenant's settings that steer provider resolution. */
  settings?: { sandbox_use_real_providers?: boolean };
  /** Default: the offline providers of this build (`defaultProviderRegistry()`). */
  registry?: ProviderRegistry;
  /**
   * A VAD already loaded (share one across calls: silero batches every stream of the process),
   * or which one to load. Default: `energy` for test mode, `silero` (falling back to energy) live.
   */
  vad?: Vad | 'silero' | 'energy';
  /** Where to write the call's WAV (mixed, 8 kHz like the line); no recording without it. */
  recordingPath?: string;
  /** Also write `<name>.caller.wav` and `<name>.agent.wav`. */
  separateChannels?: boolean;
  /** The first utterance, final (disclosure and recording notice applied); default the agent's `first_message`. */
  firstUtterance?: string | null;
  onEvent?(event: SessionEvent): void;
}

/** The conversation's events, plus a provider handing over to the agent's fallback. */
export type SessionEvent = ConversationEvent | { type: 'provider.fallback'; event: FallbackEvent; at: number };

export interface SessionResult extends ConversationResult {
  recording: RecordingResult | null;
  /** The providers the call ran on (`label`s), after test-mode substitution. */
  providers: { stt: string; llm: string; tts: string; vad: string };
}

export interface SessionHandle extends Omit<ConversationHandle, 'ended'> {
  readonly ended: Promise<SessionResult>;
}

/**
 * Everything one phone conversation needs, from an agent and a carrier call: the providers
 * resolved through the registry (test-mode substitution, retries and the agent's `fallback`
 * wrapped in), the VAD, the recorder, then `startConversation`. Resolves once the conversation
 * listens (before the answer on an outbound call); `ended` resolves with the result and the
 * recording's file.
 *
 * The default VAD of test mode is the energy VAD, on purpose: the sandbox's callees speak either
 * espeak-ng or the synthetic voice (a speech-like buzz that a neural VAD rightly does not call
 * speech), over comfort noise at -73 dBFS, where the energy VAD decides exactly and
 * deterministically; and it costs ~1 µs a frame where silero costs a model window, which matters
 * for hundreds of `fast` sandbox calls. Live calls get silero when it loads.
 */
export async function startSession(options: SessionOptions): Promise<SessionHandle> {
  const { agent, call, clock, mode } = options;
  const emit = (e: SessionEvent) => options.onEvent?.(e);
  const registry = options.registry ?? defaultProviderRegistry();
  const create = {
    clock,
    mode,
    settings: options.settings,
    onFallback: (event: FallbackEvent) => emit({ type: 'provider.fallback', event, at: clock.now() }),
  };
  const providers = {
    stt: registry.create('stt', agent.stt, create) as SttProvider,
    llm: registry.create('llm', agent.llm, create) as LlmProvider,
    tts: registry.create('tts', agent.tts, create) as TtsProvider,
  };
  const vad =
    typeof options.vad === 'object' ? options.vad : await createVad({ prefer: options.vad ?? defaultVad(mode) });
  const recorder = options.recordingPath
    ? lazyRecorder({
        path: options.recordingPath,
        sampleRate: call.media.sampleRate,
        separateChannels: options.separateChannels,
        clock,
      })
    : undefined;
  const conversation = startConversation({
    ...options,
    providers,
    vad,
    recorder,
    firstUtterance: options.firstUtterance === undefined ? agent.first_message : options.firstUtterance,
    onEvent: emit,
  });
  const labels = { stt: providers.stt.label, llm: providers.llm.label, tts: providers.tts.label, vad: vad.label };
  return {
    ...conversation,
    ended: conversation.ended.then((result) => ({ ...result, recording: recorder?.result ?? null, providers: labels })),
  };
}

function defaultVad(mode: 'test' | 'live'): 'silero' | 'energy' {
  return mode === 'test' ? 'energy' : 'silero';
}

/**
 * A `CallRecorder` made on the first frame written: the recording's timeline starts at the
 * answer, not at the dial (the recorder pads silence up to the clock), and a call that was never
 * answered leaves no file. The line's own rate (8 kHz on PSTN): 16 kHz would only add bytes.
 */
function lazyRecorder(options: ConstructorParameters<typeof CallRecorder>[0]) {
  let recorder: CallRecorder | null = null;
  const open = () => {
    recorder ??= new CallRecorder(options);
    return recorder;
  };
  const lazy = {
    result: null as RecordingResult | null,
    writeInbound: (pcm: Int16Array) => open().writeInbound(pcm),
    writeOutbound: (pcm: Int16Array) => open().writeOutbound(pcm),
    close: async () => {
      if (recorder) lazy.result = await recorder.close();
    },
  };
  return lazy;
}
