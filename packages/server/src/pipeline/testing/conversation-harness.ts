import type { AgentConfig } from '../../agents/schema.js';
import { withFallback } from '../../providers/fallback.js';
import type { FakeFailures } from '../../providers/testing/fake-failure.js';
import { FakeLlm, type FakeLlmResponse } from '../../providers/testing/fake-llm.js';
import { FakeStt } from '../../providers/testing/fake-stt.js';
import { FakeTts } from '../../providers/testing/fake-tts.js';
import { VirtualClock } from '../clocks.js';
import { startConversation } from '../conversation/conversation.js';
import type { ConversationEvent, ConversationOptions } from '../conversation/types.js';
import { FakeCarrierCall, ScriptedVad } from './fake-call.js';

/** The agent with the API's defaults (agents/schema.ts), overridden per test. */
export function agentConfig(overrides: Partial<AgentConfig>): AgentConfig {
  return {
    name: 'Test',
    pipeline: 'cascaded',
    stt: { provider: 'sandbox' },
    llm: { provider: 'scripted' },
    tts: { provider: 'espeak' },
    realtime: null,
    system_prompt: 'You call {{name}} about an appointment.',
    first_message: null,
    tools: [],
    voicemail: { action: 'hang_up' },
    max_duration_sec: 600,
    silence_timeout_sec: 30,
    interruptions: { enabled: true, min_words: 2 },
    calling_hours: null,
    extraction_schema: null,
    webhook_url: null,
    is_active: true,
    language: 'en-US',
    ...overrides,
  };
}

/** A conversation on a virtual clock with fake providers, a fake carrier call and a scripted VAD. */
export function harness(
  agent: Partial<AgentConfig> = {},
  llm: {
    responses?: FakeLlmResponse[];
    firstTokenMs?: number;
    fail?: ConstructorParameters<typeof FakeLlm>[0]['fail'];
  } = {},
  extra: Partial<ConversationOptions> & {
    /** The agent's fallback providers, wrapped in as the registry does (`withFallback`, no retries). */
    fallback?: {
      stt?: (clock: VirtualClock) => FakeStt;
      llm?: (clock: VirtualClock) => FakeLlm;
      tts?: (clock: VirtualClock) => FakeTts;
    };
    realtimeTts?: boolean;
    /** Failures injected into the primary STT and TTS. */
    sttFail?: FakeFailures;
    ttsFail?: FakeFailures;
  } = {},
) {
  const clock = new VirtualClock();
  const call = new FakeCarrierCall(clock);
  const vad = new ScriptedVad(clock);
  const stt = new FakeStt({ clock, fail: extra.sttFail });
  const fakeLlm = new FakeLlm({ clock, firstTokenMs: 200, ...llm });
  // `realtimeTts`: 100 ms chunks every 100 ms, so synthesis is still running when the caller barges in.
  const tts = new FakeTts({
    clock,
    firstByteMs: 100,
    msPerChar: 50,
    chunkIntervalMs: extra.realtimeTts ? 100 : 0,
    fail: extra.ttsFail,
  });
  const events: ConversationEvent[] = [];
  const fallback = {
    stt: extra.fallback?.stt?.(clock),
    llm: extra.fallback?.llm?.(clock),
    tts: extra.fallback?.tts?.(clock),
  };
  const resilience = { clock, retry: { maxRetry: 0 } };
  const convo = startConversation({
    call,
    agent: agentConfig(agent),
    providers: {
      stt: fallback.stt ? withFallback(stt, fallback.stt, resilience) : stt,
      llm: fallback.llm ? withFallback(fakeLlm, fallback.llm, resilience) : fakeLlm,
      tts: fallback.tts ? withFallback(tts, fallback.tts, resilience) : tts,
    },
    vad,
    clock,
    firstUtterance: 'Hi, this is an AI assistant calling from Acme.',
    onEvent: (e) => events.push(e),
    ...extra,
  });
  /** The caller says `text` over `ms` of speech, then goes quiet; the STT's final comes 100 ms later. */
  const userSays = async (text: string, ms = 1000) => {
    vad.start();
    await clock.advance(ms);
    vad.end();
    await clock.advance(100);
    stt.sessions[0]?.emit({ type: 'final', text, endOfUtterance: true });
  };
  return { clock, call, vad, stt, llm: fakeLlm, tts, fallback, events, convo, userSays };
}

/**
 * Runs the virtual clock until the conversation has ended. The end may come after real I/O
 * (the recorder closing its file) while no timer is pending, so `ended` itself stops the run.
 */
export async function runUntilEnded<T>(clock: VirtualClock, ended: Promise<T>): Promise<T> {
  const stop = new AbortController();
  const result = ended.finally(() => stop.abort());
  await clock.run({ signal: stop.signal });
  return result;
}
