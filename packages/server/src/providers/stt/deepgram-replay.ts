/**
 * The caller's audio not yet covered by a Deepgram final, kept so that a reconnected socket can
 * be sent it again: a preallocated ring of samples (10 s by default), no allocation per frame.
 * Positions are absolute sample indexes since the session started, so a final's end time
 * (`start + duration`, in seconds of the audio sent) says exactly which samples to drop.
 */
export class DeepgramReplay {
  private readonly ring: Int16Array;
  /** Absolute index of the next sample pushed. */
  private end = 0;
  /** Absolute index of the oldest sample kept. */
  private start = 0;

  constructor(sampleRate: number, keepMs: number) {
    this.ring = new Int16Array(Math.ceil((sampleRate * keepMs) / 1000));
  }

  /** Absolute index of the oldest sample kept: where a replay starts on the session's timeline. */
  get first(): number {
    return this.start;
  }

  /** Samples pushed since the session started. */
  get total(): number {
    return this.end;
  }

  push(pcm: Int16Array): void {
    const size = this.ring.length;
    let from = 0;
    // A frame longer than the ring keeps only its tail.
    if (pcm.length > size) from = pcm.length - size;
    let at = (this.end + from) % size;
    for (let i = from; i < pcm.length; i++) {
      this.ring[at] = pcm[i] as number;
      at = at + 1 === size ? 0 : at + 1;
    }
    this.end += pcm.length;
    if (this.end - this.start > size) this.start = this.end - size;
  }

  /** Forgets the samples before absolute index `sample` (they are in a final). */
  dropUntil(sample: number): void {
    this.start = Math.min(this.end, Math.max(this.start, Math.floor(sample)));
  }

  /** Hands the kept samples to `sink`, oldest first, as at most two views of the ring (valid during the call). */
  replay(sink: (pcm: Int16Array) => void): void {
    const size = this.ring.length;
    const count = this.end - this.start;
    if (count === 0) return;
    const at = this.start % size;
    const firstPart = Math.min(count, size - at);
    sink(this.ring.subarray(at, at + firstPart));
    if (count > firstPart) sink(this.ring.subarray(0, count - firstPart));
  }
}
