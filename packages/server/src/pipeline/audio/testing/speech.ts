import { execFileSync } from 'node:child_process';
import { parseWav, wavSamples } from '../wav.js';

/**
 * Real synthetic speech for tests: espeak-ng speaks, sox converts (both are in the test
 * machine's system packages, scripts/test-full.sh). A missing tool fails the test with the
 * command to install it, never skips it.
 */
export function requireTools(...tools: string[]): void {
  for (const tool of tools) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is not installed: apt-get install -y espeak-ng sox (scripts/test-full.sh does)`);
    }
  }
}

/**
 * A WAV file (bytes) of `parts`: strings are spoken, numbers are silences in ms. `encoding` and
 * `sampleRate` are the file's (sox converts espeak-ng's 22,050 Hz output).
 */
export function speechWav(
  parts: (string | number)[],
  options: { sampleRate: 8000 | 16000; encoding?: 'pcm16' | 'mulaw' },
): Buffer {
  requireTools('espeak-ng', 'sox');
  // espeak-ng drops a break at either end, so leading and trailing silences are sox padding;
  // SSML breaks give the silences in between.
  const lead = typeof parts[0] === 'number' ? parts[0] : 0;
  const trail =
    parts.length > 1 && typeof parts[parts.length - 1] === 'number' ? (parts[parts.length - 1] as number) : 0;
  const inner = parts.slice(lead ? 1 : 0, trail ? -1 : undefined);
  const ssml = `<speak>${inner
    .map((p) => (typeof p === 'number' ? `<break time="${p}ms"/>` : p.replace(/[<&>]/g, ' ')))
    .join(' ')}</speak>`;
  const raw = execFileSync('espeak-ng', ['-m', '-s', '160', '--stdout', ssml], { maxBuffer: 64 << 20 });
  const encoding = options.encoding === 'mulaw' ? ['-e', 'u-law', '-b', '8'] : ['-e', 'signed-integer', '-b', '16'];
  return execFileSync(
    'sox',
    [
      '-V1',
      '-t',
      'wav',
      '-',
      '-r',
      String(options.sampleRate),
      '-c',
      '1',
      ...encoding,
      '-t',
      'wav',
      '-',
      'pad',
      `${lead / 1000}`,
      `${trail / 1000}`,
    ],
    { input: raw, maxBuffer: 64 << 20 },
  );
}

/** Speech as 16 kHz PCM16 samples. */
export function speechPcm16k(parts: (string | number)[]): Int16Array {
  return wavSamples(parseWav(speechWav(parts, { sampleRate: 16000 })));
}
