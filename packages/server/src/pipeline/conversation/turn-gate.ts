import type { Direction, Frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';

/**
 * Lets caller turns through to the model only while open: closed while a voicemail message is
 * left or the call is ending, so a machine's greeting or a last word gets no reply. With
 * `holdFloor`, barge-in from upstream stops here too: a voicemail message is not cut by the
 * machine's own noises (it is not listening, it records).
 */
export class TurnGate extends FrameProcessor {
  open = true;
  holdFloor = false;

  constructor() {
    super('turn-gate');
  }

  override queueFrame(f: Frame, direction: Direction = 'downstream'): void {
    if (f.type === 'interruption' && direction === 'downstream' && this.holdFloor) return;
    super.queueFrame(f, direction);
  }

  protected processFrame(f: Frame, direction: Direction): void {
    if (f.type === 'user.turn' && !this.open) return;
    this.pushFrame(f, direction);
  }
}
