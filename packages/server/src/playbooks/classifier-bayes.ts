/**
 * Multinomial naive Bayes over feature counts, with weighted training documents and add-α
 * smoothing. Class priors are uniform: the labelled objectives are balanced by construction,
 * so their class counts say nothing about how often users ask for each playbook.
 */

export interface TrainingDocument {
  label: string;
  features: readonly string[];
  /** How much each feature occurrence counts; playbook descriptions weigh less than objectives. */
  weight: number;
}

export interface BayesModel {
  /** Per label, the log-likelihood of `features` (features never seen in training are skipped). */
  logLikelihoods(features: readonly string[]): Map<string, number>;
}

export function trainBayes(labels: readonly string[], docs: readonly TrainingDocument[], alpha: number): BayesModel {
  const counts = new Map(labels.map((l) => [l, new Map<string, number>()]));
  const totals = new Map(labels.map((l) => [l, 0]));
  const vocabulary = new Set<string>();
  for (const doc of docs) {
    const table = counts.get(doc.label);
    if (!table) throw new Error(`unknown label ${doc.label}`);
    for (const f of doc.features) {
      table.set(f, (table.get(f) ?? 0) + doc.weight);
      totals.set(doc.label, (totals.get(doc.label) ?? 0) + doc.weight);
      vocabulary.add(f);
    }
  }
  const denominators = new Map(labels.map((l) => [l, Math.log((totals.get(l) ?? 0) + alpha * vocabulary.size)]));
  return {
    logLikelihoods(features) {
      const out = new Map(labels.map((l) => [l, 0]));
      for (const f of features) {
        if (!vocabulary.has(f)) continue;
        for (const l of labels) {
          const n = counts.get(l)?.get(f) ?? 0;
          out.set(l, (out.get(l) ?? 0) + Math.log(n + alpha) - (denominators.get(l) ?? 0));
        }
      }
      return out;
    },
  };
}
