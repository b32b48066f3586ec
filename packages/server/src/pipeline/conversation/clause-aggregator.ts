import type { Direction, Frame } from '../frames/index.js';
import { frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';

/**
 * Cuts the model's streamed text into clauses for the TTS, so synthesis starts as soon as the
 * first clause is complete instead of after the whole reply. A clause ends at `.`, `!`, `?`, `;`
 * or `:` followed by a space or the end, or at a comma once the clause has at least
 * `MIN_COMMA_CLAUSE` characters (shorter comma pieces sound choppy as separate segments).
 */
const MIN_COMMA_CLAUSE = 20;
const BOUNDARY = /[.!?;:]+["')\]]*\s|,\s/g;

export class ClauseAggregator extends FrameProcessor {
  private buffer = '';
  private turn = 0;

  constructor() {
    super('clause-aggregator');
  }

  protected processFrame(f: Frame, direction: Direction): void {
    if (f.type === 'llm.text') {
      this.turn = f.turn;
      this.buffer += f.text;
      this.emitClauses();
      return;
    }
    if (f.type === 'llm.response_end' || f.type === 'call.end_requested') this.flushRest();
    this.pushFrame(f, direction);
  }

  protected override onInterruption(): void {
    this.buffer = '';
  }

  private emitClauses(): void {
    BOUNDARY.lastIndex = 0;
    let start = 0;
    for (let m = BOUNDARY.exec(this.buffer); m; m = BOUNDARY.exec(this.buffer)) {
      const end = m.index + m[0].length;
      if (m[0].startsWith(',') && end - start < MIN_COMMA_CLAUSE) continue;
      this.speak(this.buffer.slice(start, end));
      start = end;
    }
    this.buffer = this.buffer.slice(start);
  }

  private flushRest(): void {
    this.speak(this.buffer);
    this.buffer = '';
  }

  private speak(text: string): void {
    const clause = text.trim();
    if (clause) this.pushFrame(frame('speak', { text: clause, turn: this.turn }));
  }
}
