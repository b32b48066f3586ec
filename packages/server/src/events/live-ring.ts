import type { BusEvent } from './types.js';

/**
 * The last live-only events this process saw (they have no row), so a stream reconnecting with
 * Last-Event-ID gets the partial transcripts it missed. Bounded by count and age: a 5-minute or
 * 5,000-event window, whichever is smaller, covers a dropped connection's reconnect (seconds)
 * without growing: a busy process sees ~20 live events per second per call.
 */
export class LiveRing {
  private readonly events: Array<{ at: number; event: BusEvent }> = [];

  constructor(
    private readonly maxEvents = 5000,
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  add(event: BusEvent): void {
    const now = Date.now();
    this.events.push({ at: now, event });
    let drop = Math.max(0, this.events.length - this.maxEvents);
    while (drop < this.events.length && (this.events[drop] as { at: number }).at < now - this.maxAgeMs) drop++;
    if (drop) this.events.splice(0, drop);
  }

  /** Events with an id after `afterId`, in id order. */
  after(afterId: string): BusEvent[] {
    return this.events
      .map((e) => e.event)
      .filter((e) => e.id > afterId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
