/**
 * Inbound frames with sequence numbers (RTP over SIP, carriers whose WebSocket frames can arrive
 * out of order): held `depthFrames` deep (default 3, 60 ms) before playout starts, put back in
 * order, duplicates and frames that come after their turn dropped. The consumer pops one frame
 * per 20 ms; a frame that has not arrived by its turn is a gap (null), which the caller conceals.
 *
 * Sequence numbers are plain increasing integers; with `wrap: 65536` (RTP) they are unwrapped
 * first, so 65535 → 0 continues the sequence. Slots are preallocated: `push` copies into them
 * and `pop` returns a slot's bytes, valid until the next `push`/`pop`.
 */
export interface JitterBufferOptions {
  /** Bytes per frame (160 for 20 ms of G.711 at 8 kHz). */
  frameBytes: number;
  /** Frames held before playout starts, and the reorder window. Default 3. */
  depthFrames?: number;
  /** Modulus of the sequence numbers when they wrap (65536 for RTP); default: they do not. */
  wrap?: number;
}

export interface JitterBufferStats {
  /** Frames handed out by `pop`. */
  played: number;
  /** Gaps (`pop` returned null after playout started). */
  lost: number;
  /** Frames dropped because their turn had passed. */
  late: number;
  duplicates: number;
}

export class JitterBuffer {
  private readonly frameBytes: number;
  private readonly depth: number;
  private readonly wrap: number | undefined;
  /** A ring of slots indexed by sequence number modulo its size (4 × depth, at least 16). */
  private readonly slots: Uint8Array[];
  private readonly filled: Int32Array;
  /** The next sequence number to play; null until the first frame arrives. */
  private next: number | null = null;
  private highest: number | null = null;
  private started = false;
  private count = 0;
  readonly stats: JitterBufferStats = { played: 0, lost: 0, late: 0, duplicates: 0 };

  constructor(options: JitterBufferOptions) {
    this.frameBytes = options.frameBytes;
    this.depth = Math.max(1, options.depthFrames ?? 3);
    this.wrap = options.wrap;
    const size = Math.max(16, this.depth * 4);
    this.slots = Array.from({ length: size }, () => new Uint8Array(this.frameBytes));
    this.filled = new Int32Array(size).fill(-1);
  }

  /** Frames waiting to be played. */
  get size(): number {
    return this.count;
  }

  push(seq: number, payload: Uint8Array): void {
    const s = this.unwrap(seq);
    if (this.next === null) this.next = s;
    if (s < this.next) {
      this.stats.late++;
      return;
    }
    const size = this.slots.length;
    if (s >= this.next + size) {
      // Far ahead of playout (a long outage or a restarted sender): what was held is stale;
      // resynchronise on this frame and fill up again from it.
      for (let q = this.next; q < this.next + size; q++) this.free(q);
      this.next = s;
      this.started = false;
    }
    const index = s % size;
    if (this.filled[index] === s) {
      this.stats.duplicates++;
      return;
    }
    const slot = this.slots[index] as Uint8Array;
    slot.set(payload.subarray(0, this.frameBytes));
    if (payload.length < this.frameBytes) slot.fill(0, payload.length);
    this.filled[index] = s;
    this.count++;
    if (this.highest === null || s > this.highest) this.highest = s;
  }

  /** The next frame in order, or null: nothing yet (still filling) or a gap the caller conceals. */
  pop(): Uint8Array | null {
    if (this.next === null) return null;
    if (!this.started) {
      if (this.count < this.depth) return null;
      this.started = true;
    }
    const index = this.next % this.slots.length;
    const seq = this.next;
    this.next++;
    if (this.filled[index] === seq) {
      this.filled[index] = -1;
      this.count--;
      this.stats.played++;
      return this.slots[index] as Uint8Array;
    }
    this.stats.lost++;
    if (this.count === 0) {
      // Ran dry: fill up again before playing on, rather than playing gap, frame, gap.
      this.started = false;
    }
    return null;
  }

  private free(seq: number): void {
    const index = seq % this.slots.length;
    if (this.filled[index] === seq) {
      this.filled[index] = -1;
      this.count--;
    }
  }

  private unwrap(seq: number): number {
    if (this.wrap === undefined || this.highest === null) return seq;
    const modulus = this.wrap;
    const base = this.highest - (this.highest % modulus);
    let candidate = base + (seq % modulus);
    // Pick the candidate nearest to the highest seen (within half the modulus).
    if (candidate - this.highest > modulus / 2) candidate -= modulus;
    else if (this.highest - candidate > modulus / 2) candidate += modulus;
    return candidate;
  }
}
