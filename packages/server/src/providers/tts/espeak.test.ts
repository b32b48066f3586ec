import { describe, expect, it } from 'vitest';
import { RealClock, VirtualClock } from '../../pipeline/clocks.js';
import { EspeakTts, espeakAvailability, espeakVoice } from './espeak.js';
import type { TtsChunk } from './tts.js';

// No skip when the binary is missing: scripts/test-full.sh installs espeak-ng, and a machine
// without it should fail here, by name, rather than pass without having spoken.

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

describe('EspeakTts', () => {
  it('is available on this machine', async () => {
    expect(await espeakAvailability()).toEqual({ ok: true });
  });

  it('speaks each flushed segment as real audio of plausible length, first audio early', async () => {
    const clock = new RealClock();
    const tts = new EspeakTts({ clock });
    const session = tts.stream({ language: 'en-US', sampleRate: 16000 });
    const started = clock.now();
    session.pushText('Hello, this is Scout calling about your appointment.');
    session.flush();
    session.pushText(' Is tomorrow at three still good for you?');
    session.endInput();
    const chunks: TtsChunk[] = [];
    let firstAudioMs = -1;
    for await (const chunk of session) {
      if (chunk.type === 'audio' && firstAudioMs < 0) firstAudioMs = clock.now() - started;
      chunks.push(chunk);
    }
    const audio = (segment: number) => {
      const parts = chunks.filter((c) => c.type === 'audio' && c.segment === segment) as { pcm: Int16Array }[];
      const all = new Int16Array(parts.reduce((n, p) => n + p.pcm.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p.pcm, at);
        at += p.pcm.length;
      }
      return all;
    };
    const first = audio(0);
    const second = audio(1);
    // 8 words at ~165 wpm: 2–5 s; 9 words likewise.
    expect(first.length / 16000).toBeGreaterThan(2);
    expect(first.length / 16000).toBeLessThan(5);
    expect(second.length / 16000).toBeGreaterThan(1.5);
    expect(rms(first)).toBeGreaterThan(500);
    expect(chunks.filter((c) => c.type === 'segment_end')).toEqual([
      { type: 'segment_end', segment: 0, text: 'Hello, this is Scout calling about your appointment.' },
      { type: 'segment_end', segment: 1, text: ' Is tomorrow at three still good for you?' },
    ]);
    // Audio of segment 0 comes before its segment_end, which comes before segment 1's audio.
    const order = chunks.map((c) => `${c.type[0]}${c.segment}`).filter((x, i, a) => x !== a[i - 1]);
    expect(order).toEqual(['a0', 's0', 'a1', 's1']);
    console.log(`espeak-ng time to first audio (one 8-word sentence, 16 kHz): ${firstAudioMs.toFixed(1)} ms`);
    expect(firstAudioMs).toBeLessThan(1000);
  });

  it('resamples to 8 kHz for the carrier and holds a virtual clock while it works', async () => {
    const clock = new VirtualClock();
    const tts = new EspeakTts({ clock });
    const session = tts.stream({ language: 'en-GB', sampleRate: 8000 });
    session.pushText('Goodbye.');
    session.endInput();
    let samples = 0;
    let lastAudioAt = -1;
    let done = false;
    const reading = (async () => {
      for await (const c of session)
        if (c.type === 'audio') {
          samples += c.pcm.length;
          lastAudioAt = clock.now();
        }
      done = true;
      clock.setTimer(0, () => {}); // wakes run() to see `done`
    })();
    // A timer that run() would jump to if nothing held the clock during synthesis.
    clock.setTimer(5000, () => {});
    await clock.run({ until: () => done });
    await reading;
    expect(lastAudioAt).toBe(0);
    expect(samples / 8000).toBeGreaterThan(0.3);
    expect(samples / 8000).toBeLessThan(2);
  });

  it('stops at once when aborted (barge-in)', async () => {
    const clock = new RealClock();
    const controller = new AbortController();
    const session = new EspeakTts({ clock }).stream({
      language: 'en-US',
      sampleRate: 16000,
      signal: controller.signal,
    });
    session.pushText('This is a long sentence that will be cut off by the caller before it is finished. '.repeat(5));
    session.endInput();
    const types: string[] = [];
    for await (const c of session) {
      types.push(c.type);
      controller.abort();
    }
    expect(types).toEqual(['audio']);
  });

  it('reports a missing binary as a non-retryable provider error naming the package', async () => {
    expect(await espeakAvailability('/nonexistent/espeak-ng')).toMatchObject({ ok: false });
    const session = new EspeakTts({ clock: new RealClock(), binary: '/nonexistent/espeak-ng' }).stream({
      language: 'en-US',
      sampleRate: 16000,
    });
    session.pushText('Hello.');
    session.endInput();
    const reading = (async () => {
      for await (const _ of session) {
      }
    })();
    await expect(reading).rejects.toMatchObject({ retryable: false, provider: 'espeak.tts' });
    await expect(reading).rejects.toThrow('apt-get install espeak-ng');
  });
});

describe('espeakVoice', () => {
  const voices = new Set(['en-us', 'en-gb', 'fr-fr', 'fr', 'de', 'es-419']);
  it('maps BCP 47 tags onto espeak voices, with fallbacks', () => {
    expect(espeakVoice('en-US', undefined, voices)).toBe('en-us');
    expect(espeakVoice('fr-CA', undefined, voices)).toBe('fr');
    expect(espeakVoice('es-419', undefined, voices)).toBe('es-419');
    expect(espeakVoice('ja-JP', undefined, voices)).toBe('en-us');
    expect(espeakVoice('en-US', 'en-gb+f3', voices)).toBe('en-gb+f3');
    expect(espeakVoice('en-US', 'alloy', voices)).toBe('en-us');
    expect(espeakVoice('en-US', '--stdout', voices)).toBe('en-us');
  });
});
