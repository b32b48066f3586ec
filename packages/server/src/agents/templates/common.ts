import type { AgentTemplate, TemplateVariable } from './types.js';

/**
 * Pieces every template shares: the rules no call may break, whatever the vertical, and the
 * variables most of them need. Kept in one place so a fix reaches all 17 templates.
 */

/** Rules appended to every template's system prompt. */
export const UNIVERSAL_RULES = `
Rules that always apply:
- You are an AI voice assistant. Never claim or imply to be a human. If asked, say plainly that you are an AI assistant calling for {{company_name}}.
- Keep each turn short: one or two sentences, then let the other person speak. Never read out lists longer than three items.
- If the person asks not to be called again, apologise, confirm they will not be called again, use the add_to_dnc tool if you have it, and end the call politely.
- If you reach the wrong person, apologise, do not share any details of why you called, and end the call.
- If the person is busy, offer to call back and ask for a better time; record it.
- If the person becomes upset or abusive, stay calm, offer a callback or a person, and end the call if it continues.
- If the person asks to speak to a person and you have a transfer tool, offer to transfer; otherwise take a callback request.
- Never invent facts, prices, dates or policies you were not given. If you do not know, say so and offer a follow-up.
- Never ask for full card numbers, bank passwords, or Social Security numbers.
- End the call with the end_call tool once the goal is met or the person wants to stop; thank them first.`.trim();

/** The caller's business, always the first variable: the first message names it. */
export const COMPANY_NAME: TemplateVariable = {
  name: 'company_name',
  description: 'Your business as the callee knows it; the first message names it.',
  required: true,
  example: 'Acme Dental',
};

/** The person called; a call with a contact fills it from the contact's name. */
export const CONTACT_NAME: TemplateVariable = {
  name: 'name',
  description: "The person being called (filled from the contact's name when the call has a contact).",
  required: true,
  example: 'Jordan Lee',
};

export const CALLBACK_NUMBER: TemplateVariable = {
  name: 'callback_number',
  description: 'A number the callee can call back, read out in voicemails.',
  required: true,
  example: '+1 415 555 0123',
};

/** Weekday business hours, the narrowest window most outreach should use. */
export const weekdayHours = (start = '09:00', end = '18:00') => ({
  start,
  end,
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>,
});
/** Weekdays plus Saturday, for consumer verticals where people answer on weekends. */
export const weekAndSaturdayHours = (start = '09:00', end = '19:00') => ({
  ...weekdayHours(start, end),
  days: weekdayHours().days.concat('sat'),
});

/** A system prompt: the role and steps of the template, then the universal rules. */
export function prompt(body: string): string {
  return `${body.trim()}\n\n${UNIVERSAL_RULES}`;
}

export const endCall = (description: string) => ({ type: 'end_call' as const, description });
export const addToDnc = {
  type: 'add_to_dnc' as const,
  description: 'Use when the person asks not to be called again, before ending the call.',
};

/** Types a vertical's list as templates where it is written, so a wrong field fails in that file. */
export function defineTemplates(templates: AgentTemplate[]): AgentTemplate[] {
  return templates;
}
