import { describe, expect, it } from 'vitest';
import { BUILTIN_IDS } from './builtin.js';
import { DEV_OBJECTIVES, HELD_OUT_V1, type LabelledObjective } from './classifier.fixtures.js';
import { classifyOffline } from './classifier.js';
import { HELD_OUT_V2 } from './classifier-held-out.fixtures.js';
import { buildOfflineClassifier } from './classifier-offline.js';

/**
 * Accuracy of the offline classifier on hand-labelled objectives; the floors are the figures
 * measured on 2026-11-23, so a change that lowers them fails here.
 *
 * - Dev, leave-one-out: each of the 116 dev objectives classified by a model trained on the
 *   other 115: 105/116 = 90.5 %. Optimistic: the phrase weights were tuned by hand on the first
 *   96 of them (all 96 right; every miss is in round 3), and the parameters were chosen by it.
 * - Held-out round 3 (HELD_OUT_V1, now part of dev), leave-one-out: 9/20 = 45 %, the same as the
 *   phrase model's once-measured 9/20. The phrases never saw these twenty, so this is the fairest
 *   before/after on the same objectives.
 * - Held-out round 4 (HELD_OUT_V2): written before the model, classified once after it was
 *   final: 36/54 = 66.7 % (the phrase model alone, run afterwards for comparison: 28/54 = 51.9 %).
 *   14 of the 18 misses fall back to platform.general; cold outreach (2/6) is the weakest.
 *
 * Whoever changes the model after reading round 4's misses must fold it into dev, write a new
 * round, and measure that once.
 */
const DEV_LOO_FLOOR = 105 / 116;
const HELD_OUT_V2_FLOOR = 36 / 54;

function score(set: readonly LabelledObjective[], classify: (o: LabelledObjective, i: number) => string) {
  const misses = set.map((o, i) => ({ ...o, got: classify(o, i) })).filter((o) => o.got !== o.playbook);
  return { correct: set.length - misses.length, accuracy: (set.length - misses.length) / set.length, misses };
}

function report(name: string, set: readonly LabelledObjective[], result: ReturnType<typeof score>) {
  console.info(
    `classifier ${name}: ${result.correct}/${set.length} = ${(result.accuracy * 100).toFixed(1)}%`,
    result.misses.map((m) => `\n  ${m.playbook} -> ${m.got}: ${m.objective}`).join(''),
  );
}

describe('the offline playbook classifier on labelled objectives', () => {
  it('has labelled objectives covering all nine playbooks, none twice, at least five per playbook held out', () => {
    const all = [...DEV_OBJECTIVES, ...HELD_OUT_V2];
    expect(HELD_OUT_V2.length).toBeGreaterThanOrEqual(45);
    expect(new Set(all.map((o) => o.playbook))).toEqual(new Set(BUILTIN_IDS));
    expect(new Set(all.map((o) => o.objective)).size).toBe(all.length);
    for (const id of BUILTIN_IDS) {
      expect(HELD_OUT_V2.filter((o) => o.playbook === id).length, id).toBeGreaterThanOrEqual(5);
    }
  });

  it('keeps its leave-one-out dev accuracy at or above the measured figure', () => {
    const loo = (o: LabelledObjective, i: number) =>
      buildOfflineClassifier(DEV_OBJECTIVES.filter((_, j) => j !== i))(o.objective).playbook;
    const dev = score(DEV_OBJECTIVES, loo);
    report('dev leave-one-out', DEV_OBJECTIVES, dev);
    const v1 = score(HELD_OUT_V1, (o) => loo(o, DEV_OBJECTIVES.indexOf(o)));
    report('held-out round 3, leave-one-out (phrase model: 9/20 = 45.0%)', HELD_OUT_V1, v1);
    expect(dev.accuracy).toBeGreaterThanOrEqual(DEV_LOO_FLOOR);
  });

  it('keeps its held-out round 4 accuracy at or above the measured figure', () => {
    const started = performance.now();
    const result = score(HELD_OUT_V2, (o) => classifyOffline(o.objective).playbook);
    const perCall = (performance.now() - started) / HELD_OUT_V2.length;
    report('held-out round 4', HELD_OUT_V2, result);
    console.info(`classifier offline: ${(perCall * 1000).toFixed(0)} µs per objective (informational)`);
    expect(result.accuracy).toBeGreaterThanOrEqual(HELD_OUT_V2_FLOOR);
  });
});
