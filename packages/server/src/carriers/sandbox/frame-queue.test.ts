import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue.js';

const frame = (value: number) => new Uint8Array(4).fill(value);

describe('FrameQueue', () => {
  it('keeps frames in order across growth and wrap-around, copying what it is given', () => {
    const queue = new FrameQueue(4, 64);
    const reused = frame(0);
    for (let i = 0; i < 6; i++) {
      reused.fill(i);
      queue.push(reused);
    }
    expect([queue.shift()![0], queue.shift()![0]]).toEqual([0, 1]);
    for (let i = 6; i < 20; i++) queue.push(frame(i));
    const out: number[] = [];
    for (let f = queue.shift(); f; f = queue.shift()) out.push(f[0]!);
    expect(out).toEqual(Array.from({ length: 18 }, (_, i) => i + 2));
  });

  it('drops and counts frames past its limit, and clears', () => {
    const queue = new FrameQueue(4, 8);
    for (let i = 0; i < 10; i++) queue.push(frame(i));
    expect(queue.length).toBe(8);
    expect(queue.dropped).toBe(2);
    expect(queue.clear()).toBe(8);
    expect(queue.shift()).toBeNull();
  });
});
