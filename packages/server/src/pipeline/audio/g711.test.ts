import { describe, expect, it } from 'vitest';
import { ALAW_SILENCE, decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw, MULAW_SILENCE } from './g711.js';

const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

function decodeAll(decode: (src: Uint8Array, dst: Int16Array) => void): Int16Array {
  const out = new Int16Array(256);
  decode(ALL_CODES, out);
  return out;
}

function encodeAll(encode: (src: Int16Array, dst: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(65536);
  encode(ALL_SAMPLES, out);
  return out;
}

/** Index of the first sample whose level is below its predecessor's, or -1. */
function firstDecrease(levels: Int16Array): number {
  for (let i = 1; i < levels.length; i++) if (levels[i]! < levels[i - 1]!) return i;
  return -1;
}

describe('G.711 μ-law', () => {
  it('decodes the ITU reference values (extremes, zero and negative zero)', () => {
    const d = decodeAll(decodeMulaw);
    expect([d[0x00], d[0x80], d[0xff], d[0x7f], d[0x7e], d[0xfe], d[0x40], d[0xc0], d[0xf0]]).toEqual([
      -32124, 32124, 0, 0, -8, 8, -1884, 1884, 120,
    ]);
  });

  it('encodes like G.191 ulaw_compress, negatives by ones complement', () => {
    const src = Int16Array.from([0, 1, 3, 4, -1, -4, -5, 32767, -32768, 1884, -1884, 8158]);
    const out = new Uint8Array(src.length);
    encodeMulaw(src, out);
    expect([...out]).toEqual([0xff, 0xff, 0xff, 0xfe, 0x7f, 0x7f, 0x7e, 0x80, 0x00, 0xc0, 0x40, 0x9f]);
    expect(MULAW_SILENCE).toBe(out[0]);
  });

  it('round-trips every code and quantises every sample to within half a step of its level', () => {
    const levels = decodeAll(decodeMulaw);
    const reencoded = new Uint8Array(256);
    encodeMulaw(levels, reencoded);
    expect([...reencoded]).toEqual([...ALL_CODES].map((c) => (c === 0x7f ? 0xff : c)));

    const codes = encodeAll(encodeMulaw);
    const back = new Int16Array(65536);
    decodeMulaw(codes, back);
    const outliers: number[] = [];
    for (let i = 0; i < 65536; i++) {
      const s = ALL_SAMPLES[i]!;
      if (Math.abs(s) > 32124) continue; // clipped
      // The step doubles per segment: 8 in segment 0, 1024 in segment 7 (bits 4-6 of the code,
      // inverted); up to 8 more for the two bits dropped and the ones' complement of negatives.
      const step = 8 << (7 - ((codes[i]! >> 4) & 7));
      if (Math.abs(back[i]! - s) > step / 2 + 8) outliers.push(s);
    }
    expect(outliers).toEqual([]);
  });

  it('is monotonic: a louder sample never gets a quieter level', () => {
    const back = new Int16Array(65536);
    decodeMulaw(encodeAll(encodeMulaw), back);
    expect(firstDecrease(back)).toBe(-1);
  });
});

describe('G.711 A-law', () => {
  it('decodes the ITU reference values (extremes and the smallest levels)', () => {
    const d = decodeAll(decodeAlaw);
    expect([d[0xaa], d[0x2a], d[0xd5], d[0x55], d[0xd4], d[0x54], d[0x80]]).toEqual([
      32256, -32256, 8, -8, 24, -24, 5504,
    ]);
  });

  it('encodes like G.191 alaw_compress', () => {
    const src = Int16Array.from([0, 15, 16, -1, -16, -17, 32767, -32768, 5504]);
    const out = new Uint8Array(src.length);
    encodeAlaw(src, out);
    expect([...out]).toEqual([0xd5, 0xd5, 0xd4, 0x55, 0x55, 0x54, 0xaa, 0x2a, 0x80]);
    expect(ALAW_SILENCE).toBe(out[0]);
  });

  it('round-trips every code and is monotonic over all 65,536 samples', () => {
    const levels = decodeAll(decodeAlaw);
    const reencoded = new Uint8Array(256);
    encodeAlaw(levels, reencoded);
    expect([...reencoded]).toEqual([...ALL_CODES]);

    const back = new Int16Array(65536);
    decodeAlaw(encodeAll(encodeAlaw), back);
    expect(firstDecrease(back)).toBe(-1);
  });
});
