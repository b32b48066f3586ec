import { BUILTIN_IDS, findBuiltin } from './builtin.js';
import { DEV_OBJECTIVES } from './classifier.fixtures.js';
import { buildOfflineClassifier } from './classifier-offline.js';

/**
 * Picks the platform playbook for a call's `objective`. Offline, naive Bayes over words and word
 * pairs plus hand-weighted phrases (classifier-offline.ts), trained at module load on the
 * labelled objectives and the playbooks' own text: deterministic, no network, well under a
 * millisecond. When an LLM is configured the caller passes `llmClassify`; its answer is used when
 * it names a platform playbook, and the offline model answers when it does not, throws, or times
 * out, so classification never fails a call.
 */

export interface Classification {
  /** The chosen `platform.*` playbook. */
  playbook: string;
  /**
   * 0–1: the offline model's posterior for the winner, or 0.5 when it abstains to
   * platform.general because no playbook is likely enough; the LLM's own figure on that path.
   */
  confidence: number;
  /**
   * Every platform playbook's offline posterior (0–1, summing to 1), highest first, whichever
   * model chose. After an abstention the first entry is not the chosen playbook.
   */
  scores: Array<{ playbook: string; score: number }>;
  /** Up to three other playbooks with an offline posterior of at least 0.05, most likely first. */
  alternatives: Array<{ playbook: string; confidence: number }>;
  /** Which model chose. */
  method: 'keywords' | 'llm';
}

/** What an LLM-backed classifier answers; wired by the calls layer when an LLM provider is configured. */
export interface LlmClassification {
  playbook: string;
  confidence: number;
}

export interface ClassifyOptions {
  /** Asks an LLM to choose among `choices` (ids with descriptions). */
  llmClassify?: (
    objective: string,
    choices: ReadonlyArray<{ id: string; description: string }>,
    signal: AbortSignal,
  ) => Promise<LlmClassification>;
  /** How long the LLM may take before the offline model answers instead. */
  llmTimeoutMs?: number;
}

const offlineModel = buildOfflineClassifier(DEV_OBJECTIVES);

/** Playbooks below this posterior are not worth listing as alternatives. */
const ALTERNATIVE_FLOOR = 0.05;

const alternativesTo = (winner: string, scores: Classification['scores']) =>
  scores
    .filter((s) => s.playbook !== winner && s.score >= ALTERNATIVE_FLOOR)
    .slice(0, 3)
    .map((s) => ({ playbook: s.playbook, confidence: s.score }));

/** The offline model alone: synchronous and deterministic. */
export function classifyOffline(objective: string): Classification {
  const result = offlineModel(objective);
  const scores = result.scores.map((s) => ({ playbook: s.playbook, score: round(s.score) }));
  return {
    playbook: result.playbook,
    confidence: round(result.confidence),
    scores,
    alternatives: alternativesTo(result.playbook, scores),
    method: 'keywords',
  };
}

export async function classifyObjective(objective: string, options: ClassifyOptions = {}): Promise<Classification> {
  const offline = classifyOffline(objective);
  if (!options.llmClassify) return offline;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.llmTimeoutMs ?? 3_000);
  try {
    const choices = BUILTIN_IDS.map((id) => ({ id, description: findBuiltin(id)?.description ?? '' }));
    const answer = await Promise.race([
      options.llmClassify(objective, choices, controller.signal),
      new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(new Error('llm classification timed out'))),
      ),
    ]);
    if (!findBuiltin(answer.playbook) || !(answer.confidence >= 0 && answer.confidence <= 1)) return offline;
    return {
      playbook: answer.playbook,
      confidence: round(answer.confidence),
      scores: offline.scores,
      alternatives: alternativesTo(answer.playbook, offline.scores),
      method: 'llm',
    };
  } catch {
    return offline;
  } finally {
    clearTimeout(timer);
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
