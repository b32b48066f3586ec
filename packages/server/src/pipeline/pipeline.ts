import type { Direction, Frame } from './frames/index.js';
import { FrameProcessor } from './processor.js';

/** The inner edge of a pipeline: hands frames that leave the chain to the pipeline's neighbours. */
class Edge extends FrameProcessor {
  constructor(
    name: string,
    private readonly exit: (f: Frame, direction: Direction) => void,
    private readonly outward: Direction,
  ) {
    super(name);
  }

  override queueFrame(f: Frame, direction: Direction = 'downstream'): void {
    // Leaving frames go straight out (a system frame must not wait, a data frame was already
    // ordered by the processor that pushed it); inward frames enter the chain.
    if (direction === this.outward) this.exit(f, direction);
    else super.queueFrame(f, direction);
  }

  protected processFrame(f: Frame, direction: Direction): void {
    this.pushFrame(f, direction);
  }
}

/**
 * A chain of processors that is itself a processor, so pipelines nest. A frame queued downstream
 * enters the first processor; one queued upstream enters the last. Frames that leave the chain
 * at either end are passed to the pipeline's own neighbours.
 */
export class Pipeline extends FrameProcessor {
  private readonly source: Edge;
  private readonly sink: Edge;

  constructor(
    readonly processors: readonly FrameProcessor[],
    name = 'pipeline',
  ) {
    super(name);
    this.source = new Edge(`${name}.source`, (f, d) => this.pushFrame(f, d), 'upstream');
    this.sink = new Edge(`${name}.sink`, (f, d) => this.pushFrame(f, d), 'downstream');
    let tail: FrameProcessor = this.source;
    for (const p of processors) tail = tail.link(p);
    tail.link(this.sink);
  }

  override queueFrame(f: Frame, direction: Direction = 'downstream'): void {
    if (direction === 'downstream') this.source.queueFrame(f, direction);
    else this.sink.queueFrame(f, direction);
  }

  override isIdle(): boolean {
    return this.processors.every((p) => p.isIdle());
  }

  protected processFrame(): void {
    // Never reached: queueFrame routes every frame into the chain.
  }
}
