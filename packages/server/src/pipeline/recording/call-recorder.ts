import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pcm16WavHeader, WAV_HEADER_BYTES } from '../audio/wav.js';
import type { Clock } from '../clock.js';

/**
 * Records a call as it goes: both sides mixed into one mono 16-bit WAV, and with
 * `separateChannels` each side in a file of its own as well (`<name>.caller.wav`,
 * `<name>.agent.wav`, same length, same timeline).
 *
 * Alignment: each side has a sample cursor that advances by the frames written to it. The clock
 * says where the call is: a frame written at time t ends at t. When a side falls behind the clock
 * by half a frame or more (it was silent: no inbound audio during a carrier gap, no outbound
 * audio while the agent listens), it is filled with zeros up to where the frame starts, so the
 * two sides stay aligned within half a frame (10 ms) whatever each one does; timer jitter under
 * that is absorbed, not written as clicks.
 *
 * Memory: only the part of the timeline one side has and the other not yet (a frame or two),
 * plus a 1 s chunk being mixed (per file): the chunk is written to the file stream when full, and the
 * header (written first with maximal sizes, so a crash leaves a file readable to its end) is
 * patched on close.
 */
export interface CallRecorderOptions {
  /** The mixed file; the channel files go beside it. */
  path: string;
  sampleRate: number;
  /** Also write each side to a file of its own. */
  separateChannels?: boolean;
  clock: Clock;
}

export interface RecordingResult {
  path: string;
  durationMs: number;
  /** Size of the mixed file. */
  bytes: number;
  /** `[caller, agent]` when `separateChannels`. */
  channelPaths?: string[];
}

const CHUNK_SECONDS = 1;

class Side {
  /** Samples written beyond `committed`, waiting for the other side. */
  buffer: Int16Array;
  length = 0;
  constructor(capacity: number) {
    this.buffer = new Int16Array(capacity);
  }

  append(pcm: Int16Array | null, count: number): void {
    if (this.length + count > this.buffer.length) {
      const grown = new Int16Array(Math.max(this.buffer.length * 2, this.length + count));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    if (pcm) this.buffer.set(pcm.length === count ? pcm : pcm.subarray(0, count), this.length);
    else this.buffer.fill(0, this.length, this.length + count);
    this.length += count;
  }

  shift(count: number): void {
    this.buffer.copyWithin(0, count, this.length);
    this.length -= count;
  }
}

class WavFile {
  readonly stream: WriteStream;
  dataBytes = 0;
  constructor(
    readonly path: string,
    private readonly sampleRate: number,
  ) {
    this.stream = createWriteStream(path);
    // Sizes at their maximum until close: the convention for a stream of unknown length, so a
    // file left by a crash is read to its end.
    this.stream.write(pcm16WavHeader({ sampleRate, channels: 1, dataBytes: 0xffffffff - 36 }));
  }

  write(pcm: Int16Array): void {
    // A copy: the caller reuses its buffer, and the stream holds on to what it is given.
    this.stream.write(Buffer.from(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength)));
    this.dataBytes += pcm.byteLength;
  }

  async close(): Promise<number> {
    this.stream.end();
    await once(this.stream, 'finish');
    const handle = await open(this.path, 'r+');
    try {
      await handle.write(
        pcm16WavHeader({ sampleRate: this.sampleRate, channels: 1, dataBytes: this.dataBytes }),
        0,
        WAV_HEADER_BYTES,
        0,
      );
    } finally {
      await handle.close();
    }
    return WAV_HEADER_BYTES + this.dataBytes;
  }
}

export class CallRecorder {
  private readonly clock: Clock;
  private readonly sampleRate: number;
  private readonly startedAt: number;
  private readonly inbound: Side;
  private readonly outbound: Side;
  /** Samples of the timeline already mixed and written. */
  private committed = 0;
  /** The mix being built, written to disk when full (1 s). */
  private readonly chunk: Int16Array;
  private chunkFill = 0;
  /** Each side's samples for the same span, when the channels are kept. */
  private readonly channelChunks: [Int16Array, Int16Array] | null;
  private readonly mixed: WavFile;
  private readonly channels: [WavFile, WavFile] | null;
  private error: unknown = null;
  private closed = false;

  constructor(options: CallRecorderOptions) {
    this.clock = options.clock;
    this.sampleRate = options.sampleRate;
    this.startedAt = options.clock.now();
    const frame = options.sampleRate / 50;
    this.inbound = new Side(frame * 8);
    this.outbound = new Side(frame * 8);
    this.chunk = new Int16Array(options.sampleRate * CHUNK_SECONDS);
    this.channelChunks = options.separateChannels
      ? [new Int16Array(this.chunk.length), new Int16Array(this.chunk.length)]
      : null;
    this.mixed = new WavFile(options.path, options.sampleRate);
    this.channels = options.separateChannels
      ? [
          new WavFile(channelPath(options.path, 'caller'), options.sampleRate),
          new WavFile(channelPath(options.path, 'agent'), options.sampleRate),
        ]
      : null;
    for (const file of this.files()) file.stream.on('error', (err) => (this.error ??= err));
  }

  /** Caller audio, one frame as it arrives. */
  writeInbound(pcm: Int16Array): void {
    this.write(this.inbound, pcm);
  }

  /** Agent audio, one frame as it is sent to the carrier. */
  writeOutbound(pcm: Int16Array): void {
    this.write(this.outbound, pcm);
  }

  /** Writes what is left (the shorter side padded with silence), patches the headers, closes the files. */
  async close(): Promise<RecordingResult> {
    if (this.closed) throw new Error('recording already closed');
    this.closed = true;
    const end = Math.max(this.inbound.length, this.outbound.length);
    this.inbound.append(null, end - this.inbound.length);
    this.outbound.append(null, end - this.outbound.length);
    this.commit(true);
    const [bytes] = await Promise.all(this.files().map((f) => f.close()));
    if (this.error) throw this.error;
    const samples = this.mixed.dataBytes / 2;
    return {
      path: this.mixed.path,
      durationMs: (samples / this.sampleRate) * 1000,
      bytes: bytes as number,
      ...(this.channels ? { channelPaths: this.channels.map((f) => f.path) } : {}),
    };
  }

  private write(side: Side, pcm: Int16Array): void {
    if (this.closed) return;
    // Where the call is, in samples; this frame ends there and starts pcm.length earlier.
    const now = Math.round(((this.clock.now() - this.startedAt) * this.sampleRate) / 1000);
    const frameStart = now - pcm.length - this.committed;
    // Fill a side that fell half a frame or more behind (it was silent) up to the frame's start;
    // less than that is jitter, and filling it would put clicks into the audio.
    catchUp(this.inbound, frameStart, pcm.length / 2);
    catchUp(this.outbound, frameStart, pcm.length / 2);
    side.append(pcm, pcm.length);
    this.commit(false);
  }

  /**
   * Mixes the part of the timeline both sides have into the current chunk, and writes the chunk
   * when it is full (every `final` call: whatever it holds).
   */
  private commit(final: boolean): void {
    const size = this.chunk.length;
    for (;;) {
      const take = Math.min(this.inbound.length, this.outbound.length, size - this.chunkFill);
      if (take > 0) {
        const a = this.inbound.buffer;
        const b = this.outbound.buffer;
        const at = this.chunkFill;
        for (let i = 0; i < take; i++) {
          const sum = (a[i] as number) + (b[i] as number);
          this.chunk[at + i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
          if (this.channelChunks) {
            this.channelChunks[0][at + i] = a[i] as number;
            this.channelChunks[1][at + i] = b[i] as number;
          }
        }
        this.inbound.shift(take);
        this.outbound.shift(take);
        this.chunkFill += take;
        this.committed += take;
      }
      if (this.chunkFill === size || (final && this.chunkFill > 0)) this.flushChunk();
      else return;
    }
  }

  private flushChunk(): void {
    const n = this.chunkFill;
    this.mixed.write(this.chunk.subarray(0, n));
    if (this.channels && this.channelChunks) {
      this.channels[0].write(this.channelChunks[0].subarray(0, n));
      this.channels[1].write(this.channelChunks[1].subarray(0, n));
    }
    this.chunkFill = 0;
  }

  private files(): WavFile[] {
    return this.channels ? [this.mixed, ...this.channels] : [this.mixed];
  }
}

function catchUp(side: Side, position: number, tolerance: number): void {
  const behind = position - side.length;
  if (behind >= tolerance) side.append(null, behind);
}

function channelPath(path: string, side: 'caller' | 'agent'): string {
  return path.endsWith('.wav') ? `${path.slice(0, -4)}.${side}.wav` : `${path}.${side}.wav`;
}
