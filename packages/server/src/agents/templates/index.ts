import { COLLECTIONS_TEMPLATES } from './collections.js';
import { HEALTHCARE_TEMPLATES } from './healthcare.js';
import { HR_TEMPLATES } from './hr.js';
import { INSURANCE_TEMPLATES } from './insurance.js';
import { SALES_TEMPLATES } from './sales.js';
import { SUPPORT_TEMPLATES } from './support.js';
import type { AgentTemplate, Vertical } from './types.js';

export { type CloneOptions, cloneTemplate } from './clone.js';
export { paginateStatic } from './static-page.js';
export type { AgentInput, AgentTemplate, TemplateVariable, Vertical } from './types.js';
export { VERTICALS } from './types.js';

/** The 17 built-in templates in catalogue order: by vertical, then as each vertical lists them. */
export const AGENT_TEMPLATES: readonly AgentTemplate[] = Object.freeze([
  ...HR_TEMPLATES,
  ...SALES_TEMPLATES,
  ...HEALTHCARE_TEMPLATES,
  ...INSURANCE_TEMPLATES,
  ...COLLECTIONS_TEMPLATES,
  ...SUPPORT_TEMPLATES,
]);

const BY_ID = new Map(AGENT_TEMPLATES.map((t) => [t.id as string, t]));

export function findTemplate(id: string): AgentTemplate | undefined {
  return BY_ID.get(id);
}

export function templatesOf(vertical: Vertical | undefined): readonly AgentTemplate[] {
  return vertical ? AGENT_TEMPLATES.filter((t) => t.vertical === vertical) : AGENT_TEMPLATES;
}
