/**
 * Reads a WAV stream as it arrives (espeak-ng `--stdout`): skips the RIFF header, whose sizes
 * are placeholders (0x7ffff…) because the writer cannot seek a pipe, checks the format is mono
 * PCM16, and hands out the samples in whatever chunks the pipe delivers, carrying an odd byte
 * over to the next chunk.
 */
export class WavStreamReader {
  /** Sample rate from the `fmt ` chunk, once the header has been read. */
  sampleRate = 0;
  private header: Buffer = Buffer.alloc(0);
  private inData = false;
  private carry: number | null = null;

  /** Feeds bytes; returns the samples they complete (empty while the header is still arriving). Throws on a format it cannot read. */
  push(bytes: Buffer): Int16Array {
    let data = bytes;
    if (!this.inData) {
      this.header = Buffer.concat([this.header, bytes]);
      const start = this.parseHeader();
      if (start < 0) return new Int16Array(0);
      this.inData = true;
      data = this.header.subarray(start);
      this.header = Buffer.alloc(0);
    }
    const withCarry = this.carry === null ? data : Buffer.concat([Buffer.from([this.carry]), data]);
    const even = withCarry.length & ~1;
    this.carry = even < withCarry.length ? (withCarry[even] as number) : null;
    const out = new Int16Array(even / 2);
    for (let i = 0; i < out.length; i++) out[i] = withCarry.readInt16LE(i * 2);
    return out;
  }

  /** Offset of the first sample in `header`, or -1 if more bytes are needed. */
  private parseHeader(): number {
    const h = this.header;
    if (h.length < 12) return -1;
    if (h.toString('ascii', 0, 4) !== 'RIFF' || h.toString('ascii', 8, 12) !== 'WAVE')
      throw new Error('not a WAV stream (no RIFF/WAVE header)');
    let at = 12;
    while (at + 8 <= h.length) {
      const id = h.toString('ascii', at, at + 4);
      const size = h.readUInt32LE(at + 4);
      if (id === 'data') return at + 8;
      if (at + 8 + size > h.length) return -1;
      if (id === 'fmt ') {
        const format = h.readUInt16LE(at + 8);
        const channels = h.readUInt16LE(at + 10);
        const bits = h.readUInt16LE(at + 22);
        if (format !== 1 || channels !== 1 || bits !== 16)
          throw new Error(`unsupported WAV format ${format}, ${channels} channels, ${bits} bits (want PCM16 mono)`);
        this.sampleRate = h.readUInt32LE(at + 12);
      }
      at += 8 + size + (size & 1);
    }
    return -1;
  }
}
