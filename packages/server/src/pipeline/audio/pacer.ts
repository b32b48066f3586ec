import type { Clock, Timer } from '../clock.js';

/**
 * The outbound pacer: the carrier gets exactly one frame every 20 ms, however fast or bursty the
 * TTS produces audio. Deadlines are absolute (start + n × 20 ms), so a late timer does not push
 * every later frame back: the next deadline stays where it was, and jitter never accumulates.
 *
 * Two ways to run: on its own timer (one `setTimer` per frame per call), or in a `PacerGroup`
 * that ticks every member on one timer per clock, which is what a process carrying a hundred
 * calls wants (`npm run bench -- audio` measures both; see NOTES.md).
 *
 * Words used below: the pacer is *open* from a `push` until `finish()` or `clear()` (the producer
 * has more to say); an *underrun* is a tick that finds less than a frame queued while open (the
 * producer fell behind, the caller hears a gap). A pacer that is not open and has nothing queued
 * is idle; on its own timer it then stops ticking, and the next `push` starts a fresh grid at
 * once, so the first frame of a reply goes out without waiting for a tick.
 */
export interface FramePacerOptions {
  clock: Clock;
  /** Samples per frame at the carrier's rate (160 at 8 kHz for 20 ms). */
  frameSamples: number;
  /**
   * Receives each frame. The array is the pacer's own buffer, reused for the next frame: copy or
   * encode it before returning.
   */
  send: (frame: Int16Array) => void;
  /** Called once at the start of each underrun (a gap while open). */
  onUnderrun?: () => void;
  /** Called when the queue runs empty after a frame was sent. */
  onDrained?: () => void;
  /** Frame duration in ms (default 20). */
  frameMs?: number;
  /** Tick with this group's shared timer instead of a timer of its own. */
  group?: PacerGroup;
}

/** At most this many missed deadlines are caught up in a burst after a stall; older ones are skipped. */
const MAX_CATCH_UP_FRAMES = 5;

export class FramePacer {
  private readonly clock: Clock;
  private readonly frameSamples: number;
  private readonly frameMs: number;
  private readonly sendFrame: (frame: Int16Array) => void;
  private readonly onUnderrun: (() => void) | undefined;
  private readonly onDrained: (() => void) | undefined;
  private readonly group: PacerGroup | undefined;
  private readonly frame: Int16Array;
  /** Ring buffer of queued samples; grows (on push, never on a tick) when a long chunk arrives. */
  private ring: Int16Array;
  private head = 0;
  private count = 0;
  private running = false;
  private open = false;
  private inUnderrun = false;
  /** Ticks a partial frame has waited for the rest of its samples. */
  private partialWaits = 0;
  /** The grid: deadline n is `gridStart + n × frameMs`; `tickIndex` is the next one to serve. */
  gridStart = 0;
  tickIndex = 0;
  /** Deadline of the last frame sent (−∞ before the first): the next grid starts a frame after it at the earliest. */
  private lastFrameDeadline = Number.NEGATIVE_INFINITY;
  /** Own timer mode: the pending timer. */
  private timer: Timer | null = null;
  /** On a grid (own timer pending, or in one of the group's slots); false when idle. */
  private scheduled = false;
  /** Inside `serve` (sending frames): a `push` from `send` must not start a second grid. */
  private serving = false;
  private sentSamples = 0;
  private underrunCount = 0;
  private skipped = 0;

  constructor(options: FramePacerOptions) {
    this.clock = options.clock;
    this.frameSamples = options.frameSamples;
    this.frameMs = options.frameMs ?? 20;
    this.sendFrame = options.send;
    this.onUnderrun = options.onUnderrun;
    this.onDrained = options.onDrained;
    this.group = options.group;
    this.frame = new Int16Array(this.frameSamples);
    this.ring = new Int16Array(this.frameSamples * 50); // 1 s
  }

  /** Underruns so far (each gap counts once, however many ticks it lasts). */
  get underruns(): number {
    return this.underrunCount;
  }

  /** Deadlines skipped (no frame sent for them) because the process stalled for more than 5 frames. */
  get skippedFrames(): number {
    return this.skipped;
  }

  /** Ms of audio queued and not yet sent. */
  get queuedMs(): number {
    return (this.count * this.frameMs) / this.frameSamples;
  }

  /** Ms of audio sent since construction (padding of a last partial frame not counted). */
  get sentMs(): number {
    return (this.sentSamples * this.frameMs) / this.frameSamples;
  }

  /** Queues PCM of any length (copied); it is cut into frames. Opens the pacer. */
  push(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    this.ensureRoom(pcm.length);
    const capacity = this.ring.length;
    const tail = (this.head + this.count) % capacity;
    const first = Math.min(pcm.length, capacity - tail);
    this.ring.set(pcm.subarray(0, first), tail);
    if (first < pcm.length) this.ring.set(pcm.subarray(first), 0);
    this.count += pcm.length;
    this.open = true;
    this.partialWaits = 0;
    if (this.running && !this.scheduled && !this.serving) this.restartGrid();
  }

  /** The producer has nothing more for now: the queue running dry is the end, not an underrun. */
  finish(): void {
    this.open = false;
  }

  /** Drops everything queued (barge-in) and closes the pacer; returns the ms of audio dropped. */
  clear(): number {
    const dropped = this.queuedMs;
    this.head = 0;
    this.count = 0;
    this.open = false;
    this.inUnderrun = false;
    this.partialWaits = 0;
    return dropped;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.group?.add(this);
    if (this.active) this.restartGrid();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.group?.remove(this);
    this.timer?.cancel();
    this.timer = null;
    this.scheduled = false;
  }

  /** One deadline: sends a frame if there is one (returns whether it did). Called by `serve`. */
  tick(): boolean {
    const n = this.frameSamples;
    if (this.count >= n || (this.count > 0 && (!this.open || this.partialWaits >= 1))) {
      // A short last frame (the end of an utterance, or one that waited a whole tick) is padded with silence.
      const take = Math.min(n, this.count);
      this.copyOut(take);
      if (take < n) this.frame.fill(0, take);
      this.sentSamples += take;
      this.partialWaits = 0;
      this.inUnderrun = false;
      this.sendFrame(this.frame);
      if (this.count === 0) this.onDrained?.();
      return true;
    }
    if (this.count > 0) this.partialWaits++;
    if (this.open && !this.inUnderrun) {
      this.inUnderrun = true;
      this.underrunCount++;
      this.onUnderrun?.();
    }
    return false;
  }

  /**
   * Serves every deadline of the grid due by now (at most 5 in a burst after a stall; older ones
   * are skipped). Returns whether the pacer still has work (stays on its grid).
   */
  serve(): boolean {
    const now = this.clock.now();
    let due = Math.floor((now - this.gridStart) / this.frameMs);
    if (due - this.tickIndex >= MAX_CATCH_UP_FRAMES) {
      this.skipped += due - this.tickIndex - (MAX_CATCH_UP_FRAMES - 1);
      this.tickIndex = due - (MAX_CATCH_UP_FRAMES - 1);
    }
    if (due < this.tickIndex) {
      // A group keeps its slots modulo one frame, so a busy group visits this pacer's set a whole
      // frame before its deadline: not due, stay on the grid. (Serving it then sent two frames
      // ~1 ms apart: the density bench's 17–20 ms interval jitter.) A timer firing a fraction of
      // a ms early is for that deadline.
      if (this.gridStart + this.tickIndex * this.frameMs - now > this.frameMs / 2) return this.running && this.active;
      due = this.tickIndex;
    }
    this.serving = true;
    try {
      while (this.tickIndex <= due) {
        const deadline = this.gridStart + this.tickIndex * this.frameMs;
        if (this.tick()) this.lastFrameDeadline = deadline;
        this.tickIndex++;
      }
    } finally {
      this.serving = false;
    }
    this.scheduled = this.running && this.active;
    return this.scheduled;
  }

  /** Whether a tick can do anything: the pacer leaves its grid when this is false. */
  private get active(): boolean {
    return this.count > 0 || this.open;
  }

  /**
   * A new grid from now, never closer than one frame to the last deadline served. When that is
   * now and a whole frame is queued, the first frame goes out at once, in the caller's stack (a
   * reply's first frame does not wait for a timer, not even a zero-delay one).
   */
  private restartGrid(): void {
    const now = this.clock.now();
    const start = Math.max(now, this.lastFrameDeadline + this.frameMs);
    this.gridStart = start;
    this.tickIndex = 0;
    this.scheduled = true;
    if (start <= now && this.count >= this.frameSamples && !this.serve()) return;
    if (this.group) this.group.schedule(this);
    else this.timer = this.clock.setTimer(this.gridStart + this.tickIndex * this.frameMs - now, this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    if (!this.running) return;
    if (!this.serve()) return;
    const next = this.gridStart + this.tickIndex * this.frameMs;
    this.timer = this.clock.setTimer(next - this.clock.now(), this.onTimer);
  };

  /** Moves `take` samples from the ring into `frame` (a plain loop: no subarray views per frame). */
  private copyOut(take: number): void {
    const ring = this.ring;
    const frame = this.frame;
    const capacity = ring.length;
    let at = this.head;
    for (let i = 0; i < take; i++) {
      frame[i] = ring[at] as number;
      if (++at === capacity) at = 0;
    }
    this.head = at;
    this.count -= take;
  }

  private ensureRoom(extra: number): void {
    if (this.count + extra <= this.ring.length) return;
    let capacity = this.ring.length * 2;
    while (capacity < this.count + extra) capacity *= 2;
    const grown = new Int16Array(capacity);
    const first = Math.min(this.count, this.ring.length - this.head);
    grown.set(this.ring.subarray(this.head, this.head + first), 0);
    if (first < this.count) grown.set(this.ring.subarray(0, this.count - first), first);
    this.ring = grown;
    this.head = 0;
  }
}

/**
 * One timer for many pacers on the same clock. A pacer on a grid sits in one of the group's
 * slots (`slotMs` apart, 2 ms by default: 10 slots per 20 ms frame); the group's timer fires at
 * each slot that has pacers and serves them. A pacer that goes idle leaves its slot; when it
 * wakes, its first frame goes out at once and its grid is moved to the nearest slot, so that
 * one interval may be off by up to `slotMs / 2`, every later one is exact. With 200 calls that is
 * at most 500 timer callbacks a second instead of 10,000, and replies still start the moment
 * their audio arrives (a single 20 ms grid for all would delay each by up to a frame).
 */
export class PacerGroup {
  private static readonly byClock = new WeakMap<Clock, PacerGroup>();
  private readonly clock: Clock;
  private readonly frameMs: number;
  private readonly slotMs: number;
  private readonly members = new Set<FramePacer>();
  private readonly slots: Set<FramePacer>[];
  private readonly slotOf = new Map<FramePacer, number>();
  private origin = Number.NaN;
  /** Index (from `origin`) of the next slot to serve. */
  private nextSlot = 0;
  private timer: Timer | null = null;
  private timerSlot = -1;
  private skipped = 0;

  constructor(options: { clock: Clock; frameMs?: number; slotMs?: number }) {
    this.clock = options.clock;
    this.frameMs = options.frameMs ?? 20;
    this.slotMs = options.slotMs ?? 2;
    const count = Math.round(this.frameMs / this.slotMs);
    if (count < 1 || count * this.slotMs !== this.frameMs) throw new Error('slotMs must divide frameMs');
    this.slots = Array.from({ length: count }, () => new Set<FramePacer>());
  }

  /** The process's group for `clock` (made on first use): every call on that clock shares its timer. */
  static shared(clock: Clock): PacerGroup {
    let group = PacerGroup.byClock.get(clock);
    if (!group) {
      group = new PacerGroup({ clock });
      PacerGroup.byClock.set(clock, group);
    }
    return group;
  }

  /** Started members. */
  get size(): number {
    return this.members.size;
  }

  /** Slots skipped after a stall longer than a whole frame (their pacers were served late, in one pass). */
  get skippedTicks(): number {
    return this.skipped;
  }

  /** Called by `FramePacer.start()`. */
  add(pacer: FramePacer): void {
    this.members.add(pacer);
  }

  /** Called by `FramePacer.stop()`; the timer stops when no pacer is on a grid. */
  remove(pacer: FramePacer): void {
    this.members.delete(pacer);
    this.unslot(pacer);
    if (this.slotOf.size === 0) this.cancelTimer();
  }

  /** Puts a pacer whose next deadline is `pacer.gridStart + tickIndex × frameMs` in the nearest slot (moving its grid there). */
  schedule(pacer: FramePacer): void {
    const deadline = pacer.gridStart + pacer.tickIndex * this.frameMs;
    if (this.slotOf.size === 0 && this.timer === null) {
      this.origin = deadline;
      this.nextSlot = 0;
    }
    let k = Math.round((deadline - this.origin) / this.slotMs);
    if (k < this.nextSlot) k = this.nextSlot;
    pacer.gridStart = this.origin + k * this.slotMs - pacer.tickIndex * this.frameMs;
    this.unslot(pacer);
    const index = k % this.slots.length;
    (this.slots[index] as Set<FramePacer>).add(pacer);
    this.slotOf.set(pacer, index);
    if (this.timer === null || k < this.timerSlot) this.arm(k);
  }

  private unslot(pacer: FramePacer): void {
    const index = this.slotOf.get(pacer);
    if (index === undefined) return;
    this.slots[index]?.delete(pacer);
    this.slotOf.delete(pacer);
  }

  private arm(k: number): void {
    this.cancelTimer();
    this.timerSlot = k;
    this.timer = this.clock.setTimer(this.origin + k * this.slotMs - this.clock.now(), this.onTimer);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerSlot = -1;
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerSlot = -1;
    const count = this.slots.length;
    let due = Math.floor((this.clock.now() - this.origin) / this.slotMs);
    if (due < this.nextSlot) due = this.nextSlot;
    // After a stall of more than a frame every slot is served once: each pacer catches up itself.
    if (due - this.nextSlot >= count) {
      this.skipped += due - this.nextSlot - count + 1;
      this.nextSlot = due - count + 1;
    }
    for (; this.nextSlot <= due; this.nextSlot++) {
      const slot = this.slots[this.nextSlot % count] as Set<FramePacer>;
      for (const pacer of slot) {
        if (!pacer.serve()) {
          slot.delete(pacer);
          this.slotOf.delete(pacer);
        }
      }
    }
    // A pacer scheduled from inside a `send` may have armed the timer: the earliest slot wins.
    this.cancelTimer();
    if (this.slotOf.size === 0) return;
    for (let k = this.nextSlot; k < this.nextSlot + count; k++) {
      if ((this.slots[k % count] as Set<FramePacer>).size > 0) {
        this.arm(k);
        return;
      }
    }
  };
}
