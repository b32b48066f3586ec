import { detectIntent, yesNo } from './intents.js';
import type { LlmContext, LlmDelta, LlmMessage, LlmProvider, LlmStreamOptions, LlmTool, LlmToolCall } from './llm.js';
import { scriptQuestions } from './questions.js';

/** A reply of the policy: what to say, then which tools to call. */
interface Reply {
  text: string;
  calls: { name: string; args: Record<string, unknown> }[];
}

const ACKS = ['Thank you.', 'Got it.', 'Perfect.'];
const WRAP_UP = "That's everything I needed. Thank you for your time, goodbye!";

/**
 * The offline LLM of test mode (sandbox.md): a deterministic dialogue policy, not a model. It
 * speaks the first message, asks the script's questions (or one per extraction-schema property)
 * in order, acknowledges each answer, and recognises the requests the sandbox scenarios make:
 * do-not-call (`add_to_dnc`, then a goodbye and `end_call`), a human (`transfer_call` when the
 * agent has it, else it says it cannot), a call back (acknowledged, then `end_call`), goodbye.
 * It reads only `context.script` and the message history, so the same conversation always gets
 * the same replies; it calls only tools listed in `context.tools`, with the arguments their
 * schemas accept. Text streams in word-sized deltas with no delay (the fakes model latency).
 */
export class ScriptedLlm implements LlmProvider {
  readonly kind = 'llm' as const;
  readonly label = 'scripted.llm';
  readonly capabilities = { tools: true };

  stream(context: LlmContext, options: LlmStreamOptions): AsyncIterable<LlmDelta> {
    return streamReply(context, reply(context), options.signal);
  }
}

/** The policy: the reply to the conversation so far. */
export function reply(context: LlmContext): Reply {
  const { messages } = context;
  const tools = new Map(context.tools.map((t) => [t.name, t]));
  const questions = scriptQuestions(context.script);
  const said = messages.filter((m) => m.role === 'assistant').map((m) => m.content);
  const asked = questions.filter((q) => said.some((s) => s.includes(q))).length;
  const nextQuestion = questions[asked];
  const last = messages.at(-1);
  const call = (name: string, args: Record<string, unknown> = {}) =>
    tools.has(name) ? [{ name, args: acceptedArgs(tools.get(name) as LlmTool, args) }] : [];
  const goodbye = (text: string, reason: string): Reply => ({ text, calls: call('end_call', { reason }) });

  if (said.length === 0) {
    const first = context.script?.firstMessage?.trim();
    if (first) return { text: first, calls: [] };
    return { text: nextQuestion ? `Hello! ${nextQuestion}` : 'Hello! How can I help you today?', calls: [] };
  }
  if (last?.role === 'tool') {
    const name = toolCallOf(messages, last.toolCallId)?.name;
    if (name === 'add_to_dnc') return goodbye("Understood, we won't call you again. Goodbye.", 'dnc_requested');
    if (name === 'end_call' || name === 'transfer_call') return { text: '', calls: [] };
    return nextQuestion ? { text: nextQuestion, calls: [] } : goodbye(WRAP_UP, 'completed');
  }
  if (last?.role !== 'user') {
    return { text: nextQuestion ? `Are you still there? ${nextQuestion}` : 'Are you still there?', calls: [] };
  }

  const intent = detectIntent(last.content);
  switch (intent?.type) {
    case 'dnc':
      if (tools.has('add_to_dnc')) return { text: '', calls: call('add_to_dnc', { reason: 'callee request' }) };
      return goodbye("Understood, we won't call you again. Goodbye.", 'dnc_requested');
    case 'transfer':
      if (tools.has('transfer_call'))
        return { text: 'Of course, let me transfer you to a colleague now.', calls: call('transfer_call') };
      return {
        text: `I'm sorry, I can't transfer you to a person on this call.${nextQuestion ? ` ${nextQuestion}` : ''}`,
        calls: [],
      };
    case 'callback':
      return goodbye(
        `Of course, we'll call you back${intent.when ? ` ${intent.when}` : ' later'}. Thank you, goodbye!`,
        'callback_requested',
      );
    case 'goodbye':
      return goodbye('Thank you for your time. Goodbye!', 'completed');
  }
  const answers = messages.filter((m) => m.role === 'user').length;
  const answer = yesNo(last.content);
  const ack = answer === 'yes' ? 'Great.' : answer === 'no' ? 'I understand.' : ACKS[(answers - 1) % ACKS.length];
  if (nextQuestion) return { text: `${ack} ${nextQuestion}`, calls: [] };
  return goodbye(`${ack} ${WRAP_UP}`, 'completed');
}

function toolCallOf(messages: readonly LlmMessage[], id: string): LlmToolCall | undefined {
  for (const m of messages) if (m.role === 'assistant') for (const c of m.toolCalls ?? []) if (c.id === id) return c;
  return undefined;
}

/** Keeps only the arguments the tool's JSON Schema lists (none when it lists none). */
function acceptedArgs(tool: LlmTool, args: Record<string, unknown>): Record<string, unknown> {
  const properties = tool.parameters.properties;
  if (!properties || typeof properties !== 'object') return {};
  return Object.fromEntries(Object.entries(args).filter(([k]) => k in properties));
}

async function* streamReply(context: LlmContext, r: Reply, signal: AbortSignal | undefined): AsyncGenerator<LlmDelta> {
  const turn = context.messages.filter((m) => m.role === 'assistant').length;
  let completion = 0;
  for (const token of r.text.match(/\S+\s*/g) ?? []) {
    if (signal?.aborted) return;
    completion++;
    yield { type: 'text', text: token };
  }
  for (const [i, c] of r.calls.entries()) {
    if (signal?.aborted) return;
    completion++;
    yield {
      type: 'tool_call',
      call: { id: `call_scripted_${turn}_${i}`, name: c.name, arguments: JSON.stringify(c.args) },
    };
  }
  const prompt = context.messages.reduce((n, m) => n + m.content.length, 0);
  yield {
    type: 'done',
    finishReason: r.calls.length ? 'tool_calls' : 'stop',
    // Rough token counts (4 characters a token), so usage arithmetic has something to add up.
    usage: { promptTokens: Math.ceil(prompt / 4), completionTokens: completion },
  };
}
