import type { LlmContext, LlmProvider, LlmStreamOptions, LlmToolCall } from '../../providers/llm/llm.js';
import type { Clock } from '../clock.js';
import type { Direction, Frame } from '../frames/index.js';
import { frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';
import type { ConversationContext } from './context.js';
import { type EarlyResponseOptions, SpeculativeCompletion } from './early-response.js';
import type { LatencyTracker } from './latency.js';
import type { ToolRunner } from './tools.js';

/** Tool rounds per agent turn before we stop asking the model (a model looping on tools). */
const MAX_TOOL_ROUNDS = 4;

export interface LlmStageOptions {
  clock: Clock;
  /** The model with its retries and fallback already wrapped in (`providers/fallback.ts`). */
  llm: LlmProvider;
  context: ConversationContext;
  tools: ToolRunner;
  latency: LatencyTracker;
  streamOptions: Omit<LlmStreamOptions, 'signal'>;
  script?: LlmContext['script'];
  /** Called for every tool call after it ran. */
  onToolCall?(call: LlmToolCall, ok: boolean, result: string, turn: number): void;
  /** Start the model on a confident transcript before the endpoint (off when absent). */
  earlyResponse?: EarlyResponseOptions;
}

/**
 * Answers each `user.turn` (and `respond`) with one agent turn: `llm.response_start`, the model's
 * `llm.text` deltas, tool calls run in between (then the model is asked again with their
 * results), `llm.response_end`. Each turn has its own AbortController: an interruption or a newer
 * turn cancels the stream. `bot.spoken` travelling upstream puts what was actually said into the
 * context. Retries and the agent's fallback model live in the provider (`providers/fallback-llm.ts`);
 * an error that reaches this stage ends the call (a fatal error frame).
 */
export class LlmStage extends FrameProcessor {
  private turn = 0;
  private abort: AbortController | null = null;
  /**
   * What the caller has said since the last turn (early response): the words, whether the VAD
   * says they stopped, and whether the words cover the latest speech (not yet when the caller
   * started again and no transcript of it came).
   */
  private heard = { finals: [] as string[], interim: '', speechEnded: false, current: false };
  private speculation: { completion: SpeculativeCompletion; contextLength: number } | null = null;

  constructor(private readonly options: LlmStageOptions) {
    super('llm');
  }

  protected processFrame(f: Frame, direction: Direction): void {
    if (direction === 'downstream' && this.options.earlyResponse) this.listen(f);
    if (direction === 'upstream' && f.type === 'bot.spoken') {
      if (f.text) this.options.context.setAgentLine(f.turn, f.text);
    } else if (direction === 'downstream' && f.type === 'user.turn') {
      const early = this.takeSpeculation(f.text);
      const turn = this.begin();
      this.options.context.addUser(f.text);
      this.options.latency.begin(turn, { speechEnd: f.speechEndAt, endpoint: f.at, sttFinal: f.sttFinalAt });
      this.pushFrame(f, direction);
      this.track(this.respond(turn, undefined, early));
      return;
    } else if (direction === 'downstream' && f.type === 'respond') {
      const turn = this.begin();
      if (f.text !== undefined) {
        this.pushFrame(frame('llm.response_start', { turn, at: this.options.clock.now() }));
        this.pushFrame(frame('llm.text', { text: f.text, turn }));
        this.pushFrame(frame('llm.response_end', { turn, at: this.options.clock.now() }));
      } else this.track(this.respond(turn, f.instruction));
      return;
    }
    this.pushFrame(f, direction);
  }

  protected override onInterruption(): void {
    this.abort?.abort();
    this.abort = null;
  }

  /** Follows the caller's words for an early response (`earlyResponse`). */
  private listen(f: Frame): void {
    const heard = this.heard;
    const min = this.options.earlyResponse?.minConfidence ?? 0.9;
    if (f.type === 'user.started_speaking') {
      heard.speechEnded = false;
      heard.current = false;
      this.cancelSpeculation();
    } else if (f.type === 'user.stopped_speaking') {
      heard.speechEnded = true;
      if (heard.current && heard.finals.length > 0) this.speculate();
    } else if (f.type === 'transcript.interim') {
      heard.interim = f.text;
      heard.current = true;
      if ((f.confidence ?? 0) >= min) this.speculate();
    } else if (f.type === 'transcript.final') {
      if (f.text.trim()) heard.finals.push(f.text.trim());
      heard.interim = '';
      heard.current = true;
      this.speculate();
    }
  }

  private speculate(): void {
    const { heard, options } = this;
    const text = [...heard.finals, heard.interim.trim()].filter(Boolean).join(' ');
    if (!heard.speechEnded || !text || this.speculation?.completion.matches(text)) return;
    this.cancelSpeculation();
    const messages = [...options.context.messages, { role: 'user' as const, content: text }];
    const request: LlmContext = { messages, tools: options.tools.definitions, script: options.script };
    this.speculation = {
      completion: new SpeculativeCompletion(text, (signal) =>
        options.llm.stream(request, { ...options.streamOptions, signal }),
      ),
      contextLength: options.context.messages.length,
    };
  }

  /** The early completion when it answers exactly this turn (same words, same context), else null. */
  private takeSpeculation(text: string): SpeculativeCompletion | null {
    const s = this.speculation;
    this.speculation = null;
    this.heard = { finals: [], interim: '', speechEnded: false, current: false };
    if (s?.completion.matches(text) && s.contextLength === this.options.context.messages.length) return s.completion;
    s?.completion.cancel();
    return null;
  }

  private cancelSpeculation(): void {
    this.speculation?.completion.cancel();
    this.speculation = null;
  }

  protected override onStop(): void {
    this.onInterruption();
    this.cancelSpeculation();
  }

  private begin(): number {
    this.abort?.abort();
    this.abort = new AbortController();
    return ++this.turn;
  }

  private async respond(turn: number, instruction?: string, early?: SpeculativeCompletion | null): Promise<void> {
    const signal = (this.abort as AbortController).signal;
    if (early) signal.addEventListener('abort', () => early.cancel(), { once: true });
    const { clock, context, latency } = this.options;
    this.pushFrame(frame('llm.response_start', { turn, at: clock.now() }));
    for (let round = 0; round < MAX_TOOL_ROUNDS && !signal.aborted; round++) {
      // A copy: the request must not change as the context grows.
      const messages = instruction
        ? [...context.messages, { role: 'system' as const, content: instruction }]
        : [...context.messages];
      const request: LlmContext = { messages, tools: this.options.tools.definitions, script: this.options.script };
      latency.llmRequest(turn, clock.now());
      let text = '';
      const calls: LlmToolCall[] = [];
      try {
        // The first round of an early-started turn continues the completion already running.
        const deltas =
          round === 0 && early
            ? early.deltas()
            : this.options.llm.stream(request, { ...this.options.streamOptions, signal });
        for await (const delta of deltas) {
          if (signal.aborted) return;
          if (delta.type === 'text') {
            latency.llmFirstToken(turn, clock.now());
            text += delta.text;
            this.pushFrame(frame('llm.text', { text: delta.text, turn }));
          } else if (delta.type === 'tool_call') calls.push(delta.call);
        }
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      if (signal.aborted || calls.length === 0) break;
      const results: string[] = [];
      let end: string | undefined;
      for (const call of calls) {
        const outcome = await this.options.tools.run(call, signal);
        results.push(outcome.result);
        end ??= outcome.endCall;
        this.options.onToolCall?.(call, outcome.ok, outcome.result, turn);
      }
      context.addToolRound(text, calls, results);
      if (end) {
        this.pushFrame(frame('call.end_requested', { reason: end }));
        break;
      }
    }
    if (!signal.aborted) this.pushFrame(frame('llm.response_end', { turn, at: clock.now() }));
  }
}
