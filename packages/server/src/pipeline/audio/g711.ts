/**
 * ITU-T G.711 μ-law and A-law, bit-exact with the ITU's own reference code (G.191 Software Tool
 * Library, `g711.c`): μ-law on the top 14 bits of a PCM16 sample (bias 33), A-law on the top 13
 * bits, negative samples by ones' complement (so -1 encodes like 0, as negative zero). The widely
 * copied Sun `g711.c` negates instead of complementing in μ-law, which moves every negative
 * decision threshold by one 14-bit step; the decoders agree exactly.
 *
 * Table-driven: the segment search runs once per possible input at module load (65,536 entries
 * per law, 64 KB each; 256-entry decode tables), so a 160-byte frame is 160 table lookups. The
 * functions write into caller-provided buffers, so the media path allocates nothing per frame.
 */

const ULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= (ends[i] as number)) return i;
  return ends.length;
}

/** G.191 `ulaw_compress` for one PCM16 sample. */
function ulawOf(sample: number): number {
  const negative = sample < 0;
  const mask = negative ? 0x7f : 0xff;
  // 33 is the μ-law bias in 14-bit units; 0x1fff the largest biased magnitude.
  const value = Math.min(((negative ? ~sample : sample) >> 2) + 33, 0x1fff);
  const seg = segment(value, ULAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((value >> (seg + 1)) & 0x0f)) ^ mask;
}

/** G.191 `alaw_compress` for one PCM16 sample (there written as `~x >> 4`; the same codes). */
function alawOf(sample: number): number {
  let value = sample >> 3;
  let mask: number;
  if (value >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    value = -value - 1;
  }
  const seg = segment(value, ALAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (value >> 1) & 0x0f : (value >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** Indexed by the sample's 16 bits as unsigned (`sample & 0xffff`). */
const ULAW_ENCODE = new Uint8Array(65536);
const ALAW_ENCODE = new Uint8Array(65536);
const ULAW_DECODE = new Int16Array(256);
const ALAW_DECODE = new Int16Array(256);
for (let i = 0; i < 65536; i++) {
  const sample = i >= 32768 ? i - 65536 : i;
  ULAW_ENCODE[i] = ulawOf(sample);
  ALAW_ENCODE[i] = alawOf(sample);
}
for (let i = 0; i < 256; i++) {
  ULAW_DECODE[i] = ulawToLinear(i);
  ALAW_DECODE[i] = alawToLinear(i);
}

/** μ-law silence (the code for 0). */
export const MULAW_SILENCE = 0xff;
/** A-law silence (the code for 0). */
export const ALAW_SILENCE = 0xd5;

/** Decodes `src.length` μ-law bytes into `dst` (which must be at least as long). */
export function decodeMulaw(src: Uint8Array, dst: Int16Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = ULAW_DECODE[src[i] as number] as number;
}

/** Encodes `src.length` PCM16 samples into `dst` (which must be at least as long). */
export function encodeMulaw(src: Int16Array, dst: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = ULAW_ENCODE[(src[i] as number) & 0xffff] as number;
}

/** Decodes `src.length` A-law bytes into `dst` (which must be at least as long). */
export function decodeAlaw(src: Uint8Array, dst: Int16Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = ALAW_DECODE[src[i] as number] as number;
}

/** Encodes `src.length` PCM16 samples into `dst` (which must be at least as long). */
export function encodeAlaw(src: Int16Array, dst: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = ALAW_ENCODE[(src[i] as number) & 0xffff] as number;
}
