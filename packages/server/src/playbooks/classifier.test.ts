import { describe, expect, it } from 'vitest';
import { BUILTIN_IDS } from './builtin.js';
import { DEV_OBJECTIVES } from './classifier.fixtures.js';
import { classifyObjective, classifyOffline } from './classifier.js';
import { buildOfflineClassifier, DEFAULT_PARAMS } from './classifier-offline.js';

describe('the playbook classifier', () => {
  it('scores every platform playbook, highest first, as posteriors, and the confidence is the winner\u2019s', () => {
    const result = classifyOffline('Negotiate the rent down and ask for a discount');
    expect(result.playbook).toBe('platform.negotiation');
    expect(result.method).toBe('keywords');
    expect(result.scores.map((s) => s.playbook).sort()).toEqual([...BUILTIN_IDS].sort());
    const values = result.scores.map((s) => s.score);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    expect(result.confidence).toBe(values[0]);
    expect(result.confidence).toBeGreaterThan(0.5);
    for (const alt of result.alternatives) expect(alt.confidence).toBeLessThan(result.confidence);
  });

  it('answers platform.general with low confidence when nothing points elsewhere', () => {
    const hello = classifyOffline('Say hello to Aunt May');
    expect(hello.playbook).toBe('platform.general');
    expect(hello.confidence).toBeLessThan(0.5);
    // No known word at all: general's prior against eight equal others, e^1 / (e^1 + 8).
    const result = classifyOffline('Xylophone zeppelin quokka');
    expect(result.playbook).toBe('platform.general');
    expect(result.confidence).toBeCloseTo(Math.E / (Math.E + 8), 2);
    expect(new Set(result.scores.slice(1).map((s) => s.score)).size).toBe(1);
    expect(result.alternatives).toEqual(
      result.scores.slice(1, 4).map((s) => ({ playbook: s.playbook, confidence: s.score })),
    );
    // One weak word is not enough evidence to leave general.
    expect(classifyOffline('Tell Sam about the book').playbook).toBe('platform.general');
  });

  it('abstains to platform.general at the no-evidence confidence when no playbook is likely enough', () => {
    // No posterior reaches 1.01, so every specific answer abstains.
    const strict = buildOfflineClassifier(DEV_OBJECTIVES, { ...DEFAULT_PARAMS, abstainBelow: 1.01 });
    const lenient = buildOfflineClassifier(DEV_OBJECTIVES, { ...DEFAULT_PARAMS, abstainBelow: 0 });
    const negotiation = 'Negotiate the rent down and ask for a discount';
    expect(lenient(negotiation).playbook).toBe('platform.negotiation');
    const abstained = strict(negotiation);
    expect(abstained.playbook).toBe('platform.general');
    expect(abstained.confidence).toBeCloseTo(classifyOffline('Xylophone zeppelin quokka').confidence, 2);
    expect(abstained.scores).toEqual(lenient(negotiation).scores);
    expect(abstained.confidence).toBeLessThan(0.5);
  });

  it('is deterministic and ignores case, curly quotes and spacing', () => {
    const a = classifyOffline('FOLLOW UP on the   invoice we sent');
    const b = classifyOffline('follow up on the invoice we sent');
    expect(a).toEqual(b);
    expect(classifyOffline('Check on the claim from last week\u2019s storm').playbook).toBe('platform.follow_up');
  });

  it('uses the LLM\u2019s answer when one is given and it names a platform playbook', async () => {
    const seen: string[] = [];
    const result = await classifyObjective('Say hello to Aunt May', {
      llmClassify: async (objective, choices) => {
        seen.push(objective, ...choices.map((c) => c.id));
        return { playbook: 'platform.follow_up', confidence: 0.82 };
      },
    });
    expect(result).toMatchObject({ playbook: 'platform.follow_up', confidence: 0.82, method: 'llm' });
    expect(seen).toEqual(['Say hello to Aunt May', ...BUILTIN_IDS]);
  });

  it('falls back to the offline model when the LLM fails, answers nonsense, or is too slow', async () => {
    const objective = 'Book a table for two at 8pm';
    const offline = classifyOffline(objective);
    expect(offline.playbook).toBe('platform.reservation');
    const failing = await classifyObjective(objective, {
      llmClassify: async () => {
        throw new Error('rate limited');
      },
    });
    expect(failing).toEqual(offline);
    const unknown = await classifyObjective(objective, {
      llmClassify: async () => ({ playbook: 'platform.teleport', confidence: 0.9 }),
    });
    expect(unknown).toEqual(offline);
    const outOfRange = await classifyObjective(objective, {
      llmClassify: async () => ({ playbook: 'platform.general', confidence: 7 }),
    });
    expect(outOfRange).toEqual(offline);
    let aborted = false;
    const slow = await classifyObjective(objective, {
      llmTimeoutMs: 20,
      llmClassify: (_o, _c, signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve({ playbook: 'platform.general', confidence: 1 }), 1_000);
        }),
    });
    expect(slow).toEqual(offline);
    expect(aborted).toBe(true);
  });
});
