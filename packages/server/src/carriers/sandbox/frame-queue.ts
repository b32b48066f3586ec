/**
 * Frames the agent sent that the line has not played yet: a ring of fixed-size slots that
 * grows by doubling when the engine sends faster than real time (it starts at 8 frames, 160 ms,
 * which a paced sender never exceeds), up to `maxFrames`, past which new frames are dropped and
 * counted, as a carrier's buffer would.
 */
export class FrameQueue {
  private slots: Uint8Array;
  /** One view per slot, made when the ring is (re)allocated, so `shift` allocates nothing. */
  private views: Uint8Array[];
  private head = 0;
  private count = 0;
  private capacity: number;
  /** Frames refused because the queue was full. */
  dropped = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly maxFrames = 3000,
  ) {
    this.capacity = Math.min(8, maxFrames);
    this.slots = new Uint8Array(this.capacity * frameBytes);
    this.views = viewsOf(this.slots, frameBytes);
  }

  get length(): number {
    return this.count;
  }

  /** Copies `frame` in (the caller may reuse it). */
  push(frame: Uint8Array): void {
    if (this.count === this.capacity && !this.grow()) {
      this.dropped++;
      return;
    }
    const slot = (this.head + this.count) % this.capacity;
    this.slots.set(frame, slot * this.frameBytes);
    this.count++;
  }

  /** The oldest frame, valid until the next `push`, or null when empty. */
  shift(): Uint8Array | null {
    if (this.count === 0) return null;
    const view = this.views[this.head] as Uint8Array;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return view;
  }

  /** Drops everything queued; returns how many frames. */
  clear(): number {
    const dropped = this.count;
    this.head = 0;
    this.count = 0;
    return dropped;
  }

  private grow(): boolean {
    if (this.capacity >= this.maxFrames) return false;
    const capacity = Math.min(this.capacity * 2, this.maxFrames);
    const slots = new Uint8Array(capacity * this.frameBytes);
    for (let i = 0; i < this.count; i++) {
      const from = ((this.head + i) % this.capacity) * this.frameBytes;
      slots.set(this.slots.subarray(from, from + this.frameBytes), i * this.frameBytes);
    }
    this.slots = slots;
    this.views = viewsOf(slots, this.frameBytes);
    this.capacity = capacity;
    this.head = 0;
    return true;
  }
}

function viewsOf(slots: Uint8Array, frameBytes: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let start = 0; start < slots.length; start += frameBytes) views.push(slots.subarray(start, start + frameBytes));
  return views;
}
