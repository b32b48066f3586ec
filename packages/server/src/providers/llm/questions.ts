import type { LlmContext } from './llm.js';

/** `preferred_date` → `preferred date`, `callbackTime` → `callback time`. */
export function humanise(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** One extraction-schema property as a question a person could answer. */
export function questionFor(name: string, property: Record<string, unknown>): string {
  const description = typeof property.description === 'string' ? property.description.trim() : '';
  if (description.endsWith('?')) return description;
  const topic = humanise(name);
  if (property.type === 'boolean') {
    // "Whether you will attend" → "Can you confirm you will attend?"
    const what = description.replace(/^(whether|if)\s+/i, '').replace(/[.\s]+$/, '');
    if (what && what !== description) return `Can you confirm ${what.charAt(0).toLowerCase()}${what.slice(1)}?`;
    return /^(confirm(ed)?|agreed?|accepted|consent(ed)?)$/.test(topic)
      ? 'Can you confirm that?'
      : `Can you confirm ${topic}?`;
  }
  return `What is your ${topic}?`;
}

/** The questions the scripted policy asks, in order: the script's own, else one per schema property. */
export function scriptQuestions(script: LlmContext['script']): string[] {
  if (script?.questions?.length) return [...script.questions];
  const properties = script?.extractionSchema?.properties;
  if (!properties || typeof properties !== 'object') return [];
  return Object.entries(properties as Record<string, Record<string, unknown>>).map(([name, p]) =>
    questionFor(name, p ?? {}),
  );
}
