import { describe, expect, it } from 'vitest';
import { JitterBuffer } from './jitter-buffer.js';

const frame = (marker: number) => new Uint8Array(160).fill(marker);
const markerOf = (f: Uint8Array | null): number | null => (f === null ? null : f[0]!);

function popAll(buffer: JitterBuffer, n: number): (number | null)[] {
  return Array.from({ length: n }, () => markerOf(buffer.pop()));
}

describe('JitterBuffer', () => {
  it('holds depthFrames before playing, then plays in order', () => {
    const buffer = new JitterBuffer({ frameBytes: 160 });
    buffer.push(10, frame(10));
    buffer.push(11, frame(11));
    expect(buffer.pop()).toBeNull();
    buffer.push(12, frame(12));
    expect(popAll(buffer, 3)).toEqual([10, 11, 12]);
    expect(buffer.stats).toEqual({ played: 3, lost: 0, late: 0, duplicates: 0 });
  });

  it('reorders frames that arrive out of order within the window, and drops duplicates', () => {
    const buffer = new JitterBuffer({ frameBytes: 160, depthFrames: 3 });
    for (const seq of [1, 3, 2, 2, 5, 4, 4, 6]) buffer.push(seq, frame(seq));
    expect(popAll(buffer, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffer.stats.duplicates).toBe(2);
  });

  it('reports a missing frame as a gap (null) at its turn and drops it if it comes later', () => {
    const buffer = new JitterBuffer({ frameBytes: 160 });
    for (const seq of [1, 2, 4, 5]) buffer.push(seq, frame(seq));
    expect(popAll(buffer, 2)).toEqual([1, 2]);
    expect(buffer.pop()).toBeNull();
    buffer.push(3, frame(3));
    expect(popAll(buffer, 2)).toEqual([4, 5]);
    expect(buffer.stats).toMatchObject({ lost: 1, late: 1, played: 4 });
  });

  it('refills after running dry instead of alternating gaps and frames', () => {
    const buffer = new JitterBuffer({ frameBytes: 160, depthFrames: 2 });
    buffer.push(1, frame(1));
    buffer.push(2, frame(2));
    expect(popAll(buffer, 3)).toEqual([1, 2, null]);
    buffer.push(3, frame(3)); // late: its turn was the gap
    buffer.push(4, frame(4));
    expect(buffer.pop()).toBeNull(); // refilling: one frame held, two needed
    buffer.push(5, frame(5));
    expect(popAll(buffer, 2)).toEqual([4, 5]);
  });

  it('resynchronises on a frame far ahead (a sender restart) instead of waiting for the frames between', () => {
    const buffer = new JitterBuffer({ frameBytes: 160, depthFrames: 3 });
    for (const seq of [1, 2, 3]) buffer.push(seq, frame(seq));
    expect(popAll(buffer, 1)).toEqual([1]);
    for (const seq of [500, 501, 502]) buffer.push(seq, frame(seq % 256));
    expect(popAll(buffer, 3)).toEqual([500 % 256, 501 % 256, 502 % 256]);
  });

  it('unwraps 16-bit RTP sequence numbers (65535 → 0)', () => {
    const buffer = new JitterBuffer({ frameBytes: 160, depthFrames: 3, wrap: 65536 });
    for (const seq of [65534, 0, 65535, 1]) buffer.push(seq, frame(seq & 0xff));
    expect(popAll(buffer, 4)).toEqual([0xfe, 0xff, 0, 1]);
    expect(buffer.stats.late).toBe(0);
  });

  it('pads a short payload with zeros and copies what it is given (the caller may reuse its buffer)', () => {
    const buffer = new JitterBuffer({ frameBytes: 4, depthFrames: 1 });
    const payload = new Uint8Array([9, 9]);
    buffer.push(7, payload);
    payload.fill(1);
    expect([...buffer.pop()!]).toEqual([9, 9, 0, 0]);
  });
});
