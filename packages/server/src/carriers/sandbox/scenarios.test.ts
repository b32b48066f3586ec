import { describe, expect, it } from 'vitest';
import { listScenarios, parseScript, resolveScenario, SCENARIO_NAMES } from './scenarios.js';

describe('sandbox scenarios', () => {
  it('maps +1 500 555 0001 … 0011 to the scenarios of sandbox.md, in order', () => {
    expect(listScenarios().map((s) => [s.number, s.name])).toEqual(
      SCENARIO_NAMES.map((name, i) => [`+1500555${String(i + 1).padStart(4, '0')}`, name]),
    );
    expect(resolveScenario({ to: '+15005550007' }).name).toBe('interrupter');
  });

  it('prefers the name, falls back to human_cooperative, and rejects an unknown name', () => {
    expect(resolveScenario({ name: 'silent', to: '+15005550002' }).name).toBe('silent');
    expect(resolveScenario({ to: '+442079460000' }).name).toBe('human_cooperative');
    expect(() => resolveScenario({ name: 'nope', to: '+15005550001' })).toThrow(/Unknown sandbox scenario 'nope'/);
  });

  it('parses script lines: text to say, [dtmf …] and [hangup]', () => {
    expect(parseScript([' Hello. ', '[DTMF 12#a]', '[hangup]'])).toEqual([
      { kind: 'say', text: 'Hello.' },
      { kind: 'dtmf', digits: '12#A' },
      { kind: 'hangup' },
    ]);
    expect(() => parseScript([''])).toThrow(/line 0 is empty/);
    expect(() => parseScript(['[dtmf x]'])).toThrow(/not understood/);
    expect(() => parseScript(Array.from({ length: 51 }, () => 'Hi.'))).toThrow(/at most 50/);
  });
});
