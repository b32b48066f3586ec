/**
 * Maps ElevenLabs' audio chunks to our numbered segments. One socket speaks the whole turn and
 * its chunks carry no segment number, only `alignment.chars`: the characters the chunk speaks.
 * Counting non-blank characters (ElevenLabs may drop or add spaces around what it was sent)
 * against the non-blank characters of each flushed segment says where each chunk belongs and
 * when a segment's audio is complete. A chunk that straddles a boundary goes to the segment it
 * starts in (the cut is off by less than a chunk). Without alignment the audio goes to the
 * oldest unfinished segment, and segments end at `isFinal` (`finish`).
 */
interface Segment {
  text: string;
  /** Non-blank characters of `text`. */
  weight: number;
  /** Flushed: no more text will be added. */
  closed: boolean;
}

const nonBlank = (chars: Iterable<string>): number => {
  let n = 0;
  for (const c of chars) if (c.trim() !== '') n++;
  return n;
};

export class SegmentTracker {
  private readonly segments: Segment[] = [];
  /** Non-blank characters already heard in audio. */
  private heard = 0;
  /** The next segment whose `segment_end` is due. */
  private nextEnd = 0;
  private finished = false;

  /** Adds text to the open segment (a new one after a flush). */
  append(text: string): void {
    let open = this.segments.at(-1);
    if (!open || open.closed) {
      open = { text: '', weight: 0, closed: false };
      this.segments.push(open);
    }
    open.text += text;
    open.weight += nonBlank(text);
  }

  /** Flush: closes the open segment (an empty one when nothing was appended since the last flush). */
  close(): void {
    const open = this.segments.at(-1);
    if (open && !open.closed) open.closed = true;
    else this.segments.push({ text: '', weight: 0, closed: true });
  }

  /** Text appended since the last flush. */
  pendingText(): boolean {
    const open = this.segments.at(-1);
    return open !== undefined && !open.closed && open.text.trim() !== '';
  }

  /** The segment an audio chunk speaking `chars` (null: no alignment) belongs to. */
  audio(chars: readonly string[] | null): number {
    let segment = this.nextEnd;
    if (chars !== null) {
      let start = 0;
      for (let i = 0; i < this.segments.length; i++) {
        const end = start + (this.segments[i] as Segment).weight;
        if (this.heard < end || i === this.segments.length - 1) {
          segment = Math.max(i, this.nextEnd);
          break;
        }
        start = end;
      }
      this.heard += nonBlank(chars);
    }
    return Math.min(segment, Math.max(0, this.segments.length - 1));
  }

  /** The input ended and the server sent its final audio: every closed segment is complete. */
  finish(): void {
    this.finished = true;
  }

  /** The next segment whose audio is complete, in order, or null. */
  takeEnded(): { segment: number; text: string } | null {
    const segment = this.segments[this.nextEnd];
    if (!segment?.closed) return null;
    let end = 0;
    for (let i = 0; i <= this.nextEnd; i++) end += (this.segments[i] as Segment).weight;
    if (!this.finished && this.heard < end) return null;
    return { segment: this.nextEnd++, text: segment.text };
  }
}
