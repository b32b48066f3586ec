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
  private gridStart = 0;
  private tickIndex = 0;
  private everStarted = false;
  private timer: Timer | null = null;
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
    let tail = (this.head + this.count) % capacity;
    const first = Math.min(pcm.length, capacity - tail);
    this.ring.set(pcm.subarray(0, first), tail);
    if (first < pcm.length) this.ring.set(pcm.subarray(first), 0);
    tail = (tail + pcm.length) % capacity;
    this.count += pcm.length;
    this.open = true;
    this.partialWaits = 0;
    if (this.running && !this.group && !this.timer) this.restartGrid();
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
    if (this.group) this.group.add(this);
    else if (this.count > 0 || this.open) this.restartGrid();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.group?.remove(this);
    this.timer?.cancel();
    this.timer = null;
  }

  /** One deadline: sends a frame if there is one. Called by the pacer's timer or by its group. */
  tick(): void {
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
      return;
    }
    if (this.count > 0) this.partialWaits++;
    if (this.open && !this.inUnderrun) {
      this.inUnderrun = true;
      this.underrunCount++;
      this.onUnderrun?.();
    }
  }

  /** Whether a tick can do anything: the own timer stops when this is false. */
  private get active(): boolean {
    return this.count > 0 || this.open;
  }

  /** A new grid from now, but never closer than one frame to the last deadline served. */
  private restartGrid(): void {
    const now = this.clock.now();
    const start = this.everStarted ? Math.max(now, this.gridStart + this.tickIndex * this.frameMs) : now;
    this.everStarted = true;
    this.gridStart = start;
    this.tickIndex = 0;
    this.timer = this.clock.setTimer(start - now, this.onTimer);
  }

  private readonly onTimer = (): void => {
    // `timer` stays set while ticking, so a `push` from inside `send` does not start a second grid.
    if (!this.running) {
      this.timer = null;
      return;
    }
    const now = this.clock.now();
    let due = Math.floor((now - this.gridStart) / this.frameMs);
    if (due - this.tickIndex >= MAX_CATCH_UP_FRAMES) {
      this.skipped += due - this.tickIndex - (MAX_CATCH_UP_FRAMES - 1);
      this.tickIndex = due - (MAX_CATCH_UP_FRAMES - 1);
    }
    if (due < this.tickIndex) due = this.tickIndex;
    while (this.tickIndex <= due) {
      this.tick();
      this.tickIndex++;
    }
    this.timer = null;
    if (!this.running || !this.active) return;
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
 * One timer for many pacers on the same clock: every 20 ms (absolute deadlines, as for a single
 * pacer) it ticks each started member in turn. With 200 calls that is 50 timer callbacks a
 * second instead of 10,000.
 */
export class PacerGroup {
  private readonly clock: Clock;
  private readonly frameMs: number;
  private readonly members = new Set<FramePacer>();
  private timer: Timer | null = null;
  private gridStart = 0;
  private tickIndex = 0;
  private skipped = 0;

  constructor(options: { clock: Clock; frameMs?: number }) {
    this.clock = options.clock;
    this.frameMs = options.frameMs ?? 20;
  }

  get size(): number {
    return this.members.size;
  }

  /** Group deadlines skipped after a stall of more than 5 frames. */
  get skippedTicks(): number {
    return this.skipped;
  }

  /** Called by `FramePacer.start()`. The member's first tick is the group's next deadline. */
  add(pacer: FramePacer): void {
    this.members.add(pacer);
    if (!this.timer) {
      this.gridStart = this.clock.now();
      this.tickIndex = 0;
      this.timer = this.clock.setTimer(0, this.onTimer);
    }
  }

  /** Called by `FramePacer.stop()`; the timer stops with the last member. */
  remove(pacer: FramePacer): void {
    this.members.delete(pacer);
    if (this.members.size === 0) {
      this.timer?.cancel();
      this.timer = null;
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    const now = this.clock.now();
    let due = Math.floor((now - this.gridStart) / this.frameMs);
    if (due - this.tickIndex >= MAX_CATCH_UP_FRAMES) {
      this.skipped += due - this.tickIndex - (MAX_CATCH_UP_FRAMES - 1);
      this.tickIndex = due - (MAX_CATCH_UP_FRAMES - 1);
    }
    if (due < this.tickIndex) due = this.tickIndex;
    while (this.tickIndex <= due) {
      for (const pacer of this.members) pacer.tick();
      this.tickIndex++;
    }
    if (this.members.size === 0) return;
    const next = this.gridStart + this.tickIndex * this.frameMs;
    this.timer = this.clock.setTimer(next - this.clock.now(), this.onTimer);
  };
}
