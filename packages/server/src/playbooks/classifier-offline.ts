import { BUILTIN_IDS, BUILTIN_PLAYBOOKS } from './builtin.js';
import type { LabelledObjective } from './classifier.fixtures.js';
import { type TrainingDocument, trainBayes } from './classifier-bayes.js';
import { GENERAL_PRIOR, PHRASES } from './classifier-model.js';
import { features } from './classifier-text.js';

/**
 * The offline model: multinomial naive Bayes over unigrams and bigrams (classifier-text.ts),
 * trained on the labelled objectives and on each playbook's own wording, plus the hand-weighted
 * phrases of classifier-model.ts as strong features (`phraseWeight` nats per phrase weight).
 * The sum becomes a posterior by a softmax at `temperature`; when no specific playbook reaches
 * `abstainBelow`, the answer is platform.general (the model cannot tell, and the general
 * playbook is the safe plan for any objective) with the confidence of no evidence at all.
 */
export interface OfflineParams {
  /** Add-α smoothing of the Bayes counts. */
  alpha: number;
  /** Weight of each feature of a playbook's description, strategy and criteria, against 1 for an objective. */
  playbookTextWeight: number;
  /** Log-odds added per unit of phrase weight. */
  phraseWeight: number;
  /** Divides the summed log-scores before the softmax; naive Bayes is overconfident on correlated bigrams. */
  temperature: number;
  /**
   * platform.general has few examples and no vocabulary of its own, and naive Bayes favours the
   * class with the least text on unseen words. So general also learns every training document at
   * this weight: it models "ordinary objective language", and wins when no specific playbook
   * explains the words better.
   */
  generalBackground: number;
  /**
   * Log-odds platform.general starts with, instead of the phrase model's GENERAL_PRIOR: the
   * Bayes evidence already keeps one weak word from leaving general.
   */
  generalPrior: number;
  /** A specific playbook below this posterior loses to platform.general. */
  abstainBelow: number;
}

/**
 * Chosen by a small grid search on leave-one-out accuracy over DEV_OBJECTIVES (α 0.1-2, phrase
 * weight 0-1.5, background 0.05-0.5, general prior -0.5-1.5), never on held-out objectives.
 * Temperature 1.5 costs nothing on leave-one-out. Abstaining below 0.35 costs two of 116
 * (107 → 105) and is kept on purpose: it keeps one weak word ("book") from choosing a playbook,
 * and a general call is a safe plan where a wrong specific playbook is a wrong one.
 */
export const DEFAULT_PARAMS: OfflineParams = {
  alpha: 2,
  playbookTextWeight: 0.5,
  phraseWeight: 1.5,
  temperature: 1.5,
  abstainBelow: 0.35,
  generalBackground: 0.1,
  generalPrior: 1.5,
};

export interface OfflineScores {
  playbook: string;
  confidence: number;
  /** Every built-in's posterior, highest first; they sum to 1 (before rounding). */
  scores: Array<{ playbook: string; score: number }>;
}

const GENERAL = 'platform.general';
const ORDER = new Map<string, number>(BUILTIN_IDS.map((id, i) => [id, i]));

const COMPILED = Object.entries(PHRASES).map(([playbook, phrases]) => ({
  playbook,
  phrases: phrases.map(([pattern, weight]) => ({ re: new RegExp(`\\b(?:${pattern})`, 'i'), weight })),
}));

/** The hand-weighted phrase evidence per playbook (general starts at GENERAL_PRIOR). */
export function phraseScores(objective: string): Map<string, number> {
  const text = objective.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ');
  return new Map(
    COMPILED.map(({ playbook, phrases }) => [
      playbook,
      phrases.reduce((sum, p) => sum + (p.re.test(text) ? p.weight : 0), playbook === GENERAL ? GENERAL_PRIOR : 0),
    ]),
  );
}

/** Behaviour rules every playbook shares (AI disclosure, one question at a time): no evidence for any one. */
const SHARED_RULES = new Set(
  BUILTIN_PLAYBOOKS[0]?.behavior_rules.filter((r) => BUILTIN_PLAYBOOKS.every((p) => p.behavior_rules.includes(r))),
);

/** Each playbook's own text, so a word of its description counts even before an objective uses it. */
function playbookDocuments(weight: number): TrainingDocument[] {
  return BUILTIN_PLAYBOOKS.map((p) => ({
    label: p.id,
    weight,
    features: features(
      [
        p.name,
        p.description,
        p.id === GENERAL ? '' : p.strategy,
        ...p.success_criteria,
        ...p.behavior_rules.filter((r) => !SHARED_RULES.has(r)),
      ].join(' . '),
    ),
  }));
}

/** Trains on `objectives` and returns the classifier; deterministic for the same input. */
export function buildOfflineClassifier(
  objectives: readonly LabelledObjective[],
  params: OfflineParams = DEFAULT_PARAMS,
): (objective: string) => OfflineScores {
  const docs: TrainingDocument[] = [
    ...objectives.map((o) => ({ label: o.playbook, weight: 1, features: features(o.objective) })),
    ...playbookDocuments(params.playbookTextWeight),
  ];
  docs.push(...docs.map((d) => ({ ...d, label: GENERAL, weight: d.weight * params.generalBackground })));
  const bayes = trainBayes(BUILTIN_IDS, docs, params.alpha);
  // General's posterior for an objective with no known word (its prior against eight zeros):
  // an abstention reports this, being no surer than knowing nothing (0.254 with the defaults).
  const prior = Math.exp(params.generalPrior / params.temperature);
  const noEvidence = prior / (prior + BUILTIN_IDS.length - 1);
  return (objective) => {
    const ll = bayes.logLikelihoods(features(objective));
    const phrases = phraseScores(objective);
    const logits = BUILTIN_IDS.map((id) => {
      const phrase = id === GENERAL ? params.generalPrior : params.phraseWeight * (phrases.get(id) ?? 0);
      return ((ll.get(id) ?? 0) + phrase) / params.temperature;
    });
    const max = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const scores = BUILTIN_IDS.map((playbook, i) => ({ playbook, score: (exp[i] as number) / sum }));
    // Stable order on ties: the order of BUILTIN_IDS, so the same text always gives the same answer.
    scores.sort((a, b) => b.score - a.score || (ORDER.get(a.playbook) ?? 0) - (ORDER.get(b.playbook) ?? 0));
    const best = scores[0] as { playbook: string; score: number };
    if (best.playbook !== GENERAL && best.score < params.abstainBelow) {
      return { playbook: GENERAL, confidence: noEvidence, scores };
    }
    return { playbook: best.playbook, confidence: best.score, scores };
  };
}
