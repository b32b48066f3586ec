import { describe, expect, it } from 'vitest';
import { sine } from './testing/signals.js';
import { speechWav } from './testing/speech.js';
import { encodePcm16Wav, parseWav, pcm16WavHeader, wavSamples } from './wav.js';

describe('WAV', () => {
  it('writes a canonical 44-byte PCM header and reads its own files back', () => {
    const pcm = sine({ frequency: 440, sampleRate: 8000, ms: 100 });
    const file = encodePcm16Wav(pcm, { sampleRate: 8000 });
    expect(file.length).toBe(44 + pcm.length * 2);
    expect(file.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(file.length - 8);
    expect(file.readUInt32LE(24)).toBe(8000);
    expect(file.readUInt32LE(28)).toBe(16000);
    const info = parseWav(file);
    expect(info).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'pcm16' });
    expect([...wavSamples(info)]).toEqual([...pcm]);
  });

  it('reads sox μ-law files (fmt with cbSize, a fact chunk) and PCM files', () => {
    const mulaw = parseWav(speechWav(['Hello'], { sampleRate: 8000, encoding: 'mulaw' }));
    expect(mulaw).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'mulaw' });
    const pcm = parseWav(speechWav(['Hello'], { sampleRate: 8000 }));
    expect(pcm.encoding).toBe('pcm16');
    expect(pcm.data.length).toBe(mulaw.data.length * 2);
    // The same speech either way, within μ-law's quantisation.
    const a = wavSamples(mulaw);
    const b = wavSamples(pcm);
    let diff = 0;
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      diff += (a[i]! - b[i]!) ** 2;
      sum += b[i]! ** 2;
    }
    expect(10 * Math.log10(sum / diff)).toBeGreaterThan(30);
  });

  it('reads a streamed file whose sizes were never patched, to its end', () => {
    const pcm = sine({ frequency: 440, sampleRate: 16000, ms: 20 });
    const file = encodePcm16Wav(pcm, { sampleRate: 16000 });
    file.writeUInt32LE(0x7fffffff, 4);
    file.writeUInt32LE(0x7fffffff, 40);
    expect(wavSamples(parseWav(file)).length).toBe(pcm.length);
  });

  it('says what is wrong with a file it cannot read', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all'))).toThrow('not a RIFF/WAVE file');
    const float = pcm16WavHeader({ sampleRate: 8000, channels: 1, dataBytes: 0 });
    float.writeUInt16LE(3, 20);
    float.writeUInt16LE(32, 34);
    expect(() => parseWav(float)).toThrow(/unsupported WAV format 3 with 32 bits/);
    expect(() => parseWav(pcm16WavHeader({ sampleRate: 8000, channels: 1, dataBytes: 0 }).subarray(0, 36))).toThrow(
      'no data chunk',
    );
  });
});
