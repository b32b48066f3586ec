import type { AgentTool } from '../../agents/schema.js';
import type { CarrierCall } from '../../carriers/carrier.js';
import type { LlmTool, LlmToolCall } from '../../providers/llm/llm.js';
import type { Clock } from '../clock.js';
import { argumentValidator, callHttpTool } from './http-tool.js';
import type { BuiltinToolHandlers } from './types.js';

/** The outcome of one tool call: the model reads `result`; `endCall` asks the call to end after speaking. */
export interface ToolOutcome {
  ok: boolean;
  result: string;
  endCall?: 'hangup_agent' | 'transferred';
}

const BUILTIN_DESCRIPTIONS: Record<string, string> = {
  end_call: 'End the call once you have said goodbye.',
  transfer_call: 'Transfer the caller to a human colleague.',
  send_dtmf: 'Press keys on the phone keypad (digits 0-9, *, #), e.g. to navigate a phone menu.',
  add_to_dnc: 'Put this number on the do-not-call list when the person asks not to be called again.',
};

/**
 * The agent's tools as the model sees them, and their execution: built-ins delegated to the call
 * (carrier or lifecycle callbacks), HTTP tools with validated arguments behind the SSRF guard.
 */
export class ToolRunner {
  readonly definitions: LlmTool[];
  private readonly byName = new Map<string, { tool: AgentTool; validate?: (a: unknown) => string | null }>();

  constructor(
    private readonly options: {
      tools: readonly AgentTool[];
      call: CarrierCall;
      clock: Clock;
      handlers: BuiltinToolHandlers;
      allowPrivate: boolean;
    },
  ) {
    this.definitions = options.tools.map((tool) => {
      const name = tool.type === 'http' ? tool.name : tool.type;
      this.byName.set(name, { tool, validate: tool.type === 'http' ? argumentValidator(tool) : undefined });
      return {
        name,
        description: tool.description ?? BUILTIN_DESCRIPTIONS[name] ?? name,
        parameters: parametersOf(tool),
      };
    });
  }

  async run(call: LlmToolCall, signal: AbortSignal): Promise<ToolOutcome> {
    const entry = this.byName.get(call.name);
    if (!entry) return { ok: false, result: `unknown tool '${call.name}'` };
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = call.arguments.trim() ? JSON.parse(call.arguments) : {};
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      args = parsed as Record<string, unknown>;
    } catch {
      return { ok: false, result: 'arguments must be a JSON object' };
    }
    const invalid = entry.validate?.(args);
    if (invalid) return { ok: false, result: `invalid arguments: ${invalid}` };
    const { tool } = entry;
    const { call: carrier, handlers } = this.options;
    try {
      switch (tool.type) {
        case 'end_call':
          return { ok: true, result: 'the call will end after your last words', endCall: 'hangup_agent' };
        case 'send_dtmf': {
          const digits = String(args.digits ?? '');
          if (!/^[0-9*#A-D]{1,32}$/.test(digits)) return { ok: false, result: 'digits must be 1-32 of 0-9 * # A-D' };
          await carrier.sendDtmf(digits);
          return { ok: true, result: `sent ${digits}` };
        }
        case 'add_to_dnc':
          if (!handlers.addToDnc) return { ok: false, result: 'the do-not-call list is not available on this call' };
          await handlers.addToDnc(typeof args.reason === 'string' ? args.reason : undefined);
          return { ok: true, result: 'the number is on the do-not-call list; confirm it and end the call' };
        case 'transfer_call': {
          const summary = typeof args.summary === 'string' ? args.summary : undefined;
          if (handlers.transferCall) await handlers.transferCall(tool.to, tool.mode, summary);
          else await carrier.transfer(tool.to, { mode: tool.mode, summary });
          return { ok: true, result: 'transferred', endCall: 'transferred' };
        }
        case 'http': {
          // The request runs in real time; on a virtual clock hold time still while it does.
          const release = (this.options.clock as { hold?: () => () => void }).hold?.();
          try {
            return await callHttpTool(tool, args, { allowPrivate: this.options.allowPrivate, signal });
          } finally {
            release?.();
          }
        }
      }
    } catch (error) {
      return { ok: false, result: `failed: ${(error as Error).message}` };
    }
  }
}

function parametersOf(tool: AgentTool): Record<string, unknown> {
  switch (tool.type) {
    case 'http':
      return tool.parameters;
    case 'send_dtmf':
      return { type: 'object', properties: { digits: { type: 'string' } }, required: ['digits'] };
    case 'add_to_dnc':
      return { type: 'object', properties: { reason: { type: 'string' } } };
    case 'transfer_call':
      return { type: 'object', properties: { summary: { type: 'string' } } };
    default:
      return { type: 'object', properties: {} };
  }
}
