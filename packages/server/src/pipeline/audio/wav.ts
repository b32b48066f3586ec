import { decodeAlaw, decodeMulaw } from './g711.js';

/**
 * RIFF/WAVE headers: writing the canonical 44-byte PCM header (the recorder writes it first with
 * placeholder sizes and patches them on close) and reading the files callers and tools produce:
 * PCM 16-bit, μ-law (format 7), A-law (format 6), WAVE_FORMAT_EXTENSIBLE wrapping either, any
 * chunks before `data` (LIST, fact) skipped. A streamed file whose sizes were never patched
 * (espeak-ng --stdout writes 0x7FFFFFFF) is read to its end.
 */
export type WavEncoding = 'pcm16' | 'mulaw' | 'alaw';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  encoding: WavEncoding;
  /** The `data` chunk's bytes (a view into the input). */
  data: Uint8Array;
}

export const WAV_HEADER_BYTES = 44;

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

/** The 44-byte header of a 16-bit PCM file holding `dataBytes` bytes of samples. */
export function pcm16WavHeader(options: { sampleRate: number; channels: number; dataBytes: number }): Buffer {
  const { sampleRate, channels, dataBytes } = options;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(FORMAT_PCM, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return header;
}

/** Parses a WAV file; throws an Error saying what is wrong with one it cannot read. */
export function parseWav(bytes: Uint8Array): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let at = 12;
  let format: { code: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new Error('fmt chunk too short');
      let code = view.getUint16(body, true);
      if (code === FORMAT_EXTENSIBLE && size >= 40) code = view.getUint16(body + 24, true); // the sub-format GUID's first 2 bytes
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('data chunk before fmt chunk');
      const end = Math.min(bytes.length, body + size);
      return {
        sampleRate: format.sampleRate,
        channels: format.channels,
        encoding: encodingOf(format.code, format.bits),
        data: bytes.subarray(body, end),
      };
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw new Error('no data chunk');
}

function encodingOf(code: number, bits: number): WavEncoding {
  if (code === FORMAT_PCM && bits === 16) return 'pcm16';
  if (code === FORMAT_MULAW && bits === 8) return 'mulaw';
  if (code === FORMAT_ALAW && bits === 8) return 'alaw';
  throw new Error(`unsupported WAV format ${code} with ${bits} bits (want PCM 16-bit, μ-law or A-law)`);
}

/** The samples of a parsed file as PCM16, interleaved when it has several channels. */
export function wavSamples(wav: WavInfo): Int16Array {
  const { data, encoding } = wav;
  if (encoding === 'pcm16') {
    const out = new Int16Array(data.length >> 1);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
    return out;
  }
  const out = new Int16Array(data.length);
  (encoding === 'mulaw' ? decodeMulaw : decodeAlaw)(data, out);
  return out;
}

/** A whole 16-bit PCM WAV file in memory (for tests and short prompts, not for call recordings). */
export function encodePcm16Wav(pcm: Int16Array, options: { sampleRate: number; channels?: number }): Buffer {
  const channels = options.channels ?? 1;
  const header = pcm16WavHeader({ sampleRate: options.sampleRate, channels, dataBytes: pcm.length * 2 });
  const body = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) body.writeInt16LE(pcm[i] as number, i * 2);
  return Buffer.concat([header, body]);
}
