import type { LlmMessage, LlmToolCall } from '../../providers/llm/llm.js';

/**
 * The conversation's message history as the model sees it. The agent's lines enter as they were
 * spoken: a line cut by barge-in is stored cut, so the model knows what the caller heard.
 */
export class ConversationContext {
  readonly messages: LlmMessage[] = [];
  private readonly agentLine = new Map<number, number>();

  constructor(systemPrompt: string) {
    if (systemPrompt) this.messages.push({ role: 'system', content: systemPrompt });
  }

  addSystem(content: string): void {
    this.messages.push({ role: 'system', content });
  }

  addUser(content: string): void {
    this.messages.push({ role: 'user', content });
  }

  /** The model's tool calls of `turn` (with any text it wrote before them), then the results. */
  addToolRound(text: string, calls: readonly LlmToolCall[], results: readonly string[]): void {
    this.messages.push({ role: 'assistant', content: text, toolCalls: calls });
    calls.forEach((call, i) => {
      this.messages.push({ role: 'tool', toolCallId: call.id, content: results[i] ?? '' });
    });
  }

  /** Records (or, when the line was cut, corrects) what the agent said in `turn`. */
  setAgentLine(turn: number, content: string): void {
    const index = this.agentLine.get(turn);
    if (index !== undefined) {
      this.messages[index] = { role: 'assistant', content };
      return;
    }
    this.agentLine.set(turn, this.messages.length);
    this.messages.push({ role: 'assistant', content });
  }
}

/** Replaces `{{name}}` with the call's dynamic variables; unknown names stay as written. */
export function substituteVariables(text: string, variables: Record<string, string> = {}): string {
  return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => variables[name] ?? whole);
}
