import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clocks.js';
import { type Direction, type Frame, frame } from './frames/index.js';
import { Pipeline } from './pipeline.js';
import { FrameProcessor, PassThrough } from './processor.js';
import { runFrames } from './testing/run-frames.js';

const speak = (text: string, turn = 1) => frame('speak', { text, turn });
const texts = (frames: Frame[]) => frames.map((f) => ('text' in f ? f.text : f.type));

/** Takes `delayMs` of virtual time per speak frame, as a TTS stage would. */
class Slow extends FrameProcessor {
  interrupted = 0;
  constructor(
    private readonly clock: VirtualClock,
    private readonly delayMs: number,
  ) {
    super('slow');
  }
  protected async processFrame(f: Frame, direction: Direction): Promise<void> {
    if (f.type === 'speak') await this.clock.sleep(this.delayMs);
    this.pushFrame(f, direction);
  }
  protected override onInterruption(): void {
    this.interrupted++;
  }
}

/** A sink that keeps every frame, system frames included. */
class Collect extends FrameProcessor {
  constructor(private readonly into: Frame[]) {
    super('collect');
  }
  override queueFrame(f: Frame): void {
    this.into.push(f);
  }
  protected processFrame(): void {}
}

class Failing extends FrameProcessor {
  protected processFrame(f: Frame, direction: Direction): void {
    if (f.type === 'speak' && f.text === 'boom') throw new Error('boom');
    this.pushFrame(f, direction);
  }
  protected override isFatal(): boolean {
    return false;
  }
}

describe('FrameProcessor', () => {
  it('handles frames one at a time in arrival order even when each takes time', async () => {
    const clock = new VirtualClock();
    const slow = new Slow(clock, 100);
    const out = await runFrames(slow, [speak('a'), speak('b'), speak('c')], { clock, settleMs: 1000 });
    expect(texts(out.downstream)).toEqual(['a', 'b', 'c']);
  });

  it('lets a system frame overtake queued data frames, and an interruption drops them in every processor downstream at once', async () => {
    const clock = new VirtualClock();
    const first = new Slow(clock, 100);
    const second = new Slow(clock, 100);
    const p = new Pipeline([first, second]);
    const out: Frame[] = [];
    p.link(new Collect(out));
    for (const t of ['a', 'b', 'c', 'd']) p.queueFrame(speak(t));
    await clock.advance(150); // 'a' left first and is in flight in second; 'b' is in flight in first
    p.queueFrame(frame('interruption', { at: clock.now() }));
    expect(out.map((f) => f.type)).toEqual(['interruption']);
    expect([first.interrupted, second.interrupted]).toEqual([1, 1]);
    await clock.advance(1000);
    // Only the two frames already being handled when the interruption passed get through.
    expect(texts(out)).toEqual(['interruption', 'a', 'b']);
  });

  it('turns a thrown error into an error frame upstream and goes on with the next frame', async () => {
    const out = await runFrames(new Failing('failing'), [speak('boom'), speak('ok')]);
    expect(texts(out.downstream)).toEqual(['ok']);
    expect(out.upstream).toHaveLength(1);
    expect(out.upstream[0]).toMatchObject({ type: 'error', fatal: false, source: 'failing' });
  });

  it('crosses an idle chain synchronously, without waiting for a microtask', () => {
    const got: Frame[] = [];
    const head = new PassThrough('a');
    head.link(new PassThrough('b')).link(new Collect(got));
    head.queueFrame(speak('now'));
    expect(texts(got)).toEqual(['now']);
  });
});

describe('Pipeline', () => {
  it('nests: a pipeline inside a pipeline passes frames both ways through every stage', async () => {
    const seen: string[] = [];
    class Tag extends FrameProcessor {
      protected processFrame(f: Frame, direction: Direction): void {
        seen.push(`${this.name}:${direction}`);
        this.pushFrame(f, direction);
      }
    }
    const inner = new Pipeline([new Tag('b'), new Tag('c')], 'inner');
    const outer = new Pipeline([new Tag('a'), inner, new Tag('d')], 'outer');
    const out = await runFrames(outer, [speak('x'), { upstream: speak('y') }]);
    expect(texts(out.downstream)).toEqual(['x']);
    expect(texts(out.upstream)).toEqual(['y']);
    expect(seen).toEqual([
      'a:downstream',
      'b:downstream',
      'c:downstream',
      'd:downstream',
      'd:upstream',
      'c:upstream',
      'b:upstream',
      'a:upstream',
    ]);
  });
});
