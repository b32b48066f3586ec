import type { VirtualClock } from '../clocks.js';
import type { Direction, Frame } from '../frames/index.js';
import { FrameProcessor } from '../processor.js';

/** One step of a `runFrames` script: a frame to send, or virtual time to let pass. */
export type RunStep = Frame | { advance: number } | { upstream: Frame };

export interface RunFramesOptions {
  /** Needed for `{advance}` steps; time moves only through it. */
  clock?: VirtualClock;
  /** Virtual time to let pass after the last step (default 0), e.g. for endpointing timers. */
  settleMs?: number;
}

class Capture extends FrameProcessor {
  readonly frames: Frame[] = [];
  constructor(
    name: string,
    private readonly from: Direction,
  ) {
    super(name);
  }
  override queueFrame(f: Frame, direction: Direction = 'downstream'): void {
    if (direction === this.from) this.frames.push(f);
    else this.pushFrame(f, direction);
  }
  protected processFrame(): void {}
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lets ready work run: until the processor was idle on two checks a macrotask apart (work that
 * finished may schedule more), or for at most 20 turns when it waits on virtual time that only
 * an `{advance}` step can give it.
 */
async function quiesce(processor: FrameProcessor): Promise<void> {
  for (let idleTwice = 0, turns = 0; idleTwice < 2 && turns < 20; turns++) {
    await settle();
    idleTwice = processor.isIdle() ? idleTwice + 1 : 0;
  }
}

/**
 * Sends `input` through `processor` and returns what came out of each end, in order (after
 * pipecat's run_test). Steps are sent one at a time, each after the processor went idle, so a
 * test reads like a timeline; `{advance: ms}` moves the virtual clock.
 */
export async function runFrames(
  processor: FrameProcessor,
  input: readonly RunStep[],
  options: RunFramesOptions = {},
): Promise<{ downstream: Frame[]; upstream: Frame[] }> {
  const head = new Capture('runFrames.upstream', 'upstream');
  const tail = new Capture('runFrames.downstream', 'downstream');
  head.link(processor).link(tail);
  const advance = async (ms: number) => {
    if (!options.clock) throw new Error('runFrames: an {advance} step needs options.clock');
    await options.clock.advance(ms);
  };
  for (const step of input) {
    if ('advance' in step) await advance(step.advance);
    else if ('upstream' in step) processor.queueFrame(step.upstream, 'upstream');
    else processor.queueFrame(step, 'downstream');
    await quiesce(processor);
  }
  if (options.settleMs) await advance(options.settleMs);
  await quiesce(processor);
  return { downstream: tail.frames, upstream: head.frames };
}
