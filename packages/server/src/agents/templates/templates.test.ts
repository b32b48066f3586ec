import { describe, expect, it } from 'vitest';
import { defaultProviderRegistry } from '../../providers/registry.js';
import { agentRuleIssues, agentSchemas } from '../schema.js';
import { agentVariables, BUILTIN_VARIABLES, missingVariables } from '../variables.js';
import { AGENT_TEMPLATES, cloneTemplate, findTemplate, templatesOf, VERTICALS } from './index.js';

const { agentObject } = agentSchemas(defaultProviderRegistry());
const builtins: readonly string[] = BUILTIN_VARIABLES;
/** Words that tell the callee they are talking to an AI (FCC 24-17: AI voices are artificial voices). */
const SAYS_AI = /\bAI\b/;

describe('the built-in agent templates', () => {
  it('are 17, across the six verticals, with at least two in each', () => {
    expect(AGENT_TEMPLATES).toHaveLength(17);
    expect(new Set(AGENT_TEMPLATES.map((t) => t.vertical))).toEqual(new Set(VERTICALS));
    for (const vertical of VERTICALS) expect(templatesOf(vertical).length).toBeGreaterThanOrEqual(2);
    expect(templatesOf(undefined)).toBe(AGENT_TEMPLATES);
  });

  it('have unique, stable tpl_<vertical>_<use_case> ids that findTemplate resolves', () => {
    const ids = AGENT_TEMPLATES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of AGENT_TEMPLATES) {
      expect(t.id).toMatch(new RegExp(`^tpl_${t.vertical}_[a-z0-9]+(_[a-z0-9]+)*$`));
      expect(findTemplate(t.id)).toBe(t);
    }
    expect(findTemplate('tpl_nope')).toBeUndefined();
    // Ids are part of the API: these are named in the docs and must never change.
    expect(ids).toEqual(
      expect.arrayContaining([
        'tpl_hr_candidate_screening',
        'tpl_sales_lead_qualification',
        'tpl_healthcare_appointment_reminder',
        'tpl_insurance_claim_status',
        'tpl_collections_promise_to_pay',
        'tpl_support_satisfaction_survey',
      ]),
    );
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))('%s is a valid agent with no rule issues', (_id, t) => {
    const parsed = agentObject.safeParse(t.agent);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    if (!parsed.success) return;
    expect(agentRuleIssues(parsed.data)).toEqual([]);
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s declares exactly the placeholders its texts use, built-ins aside',
    (_id, t) => {
      const parsed = agentObject.parse(t.agent);
      const used = agentVariables(parsed).filter((v) => !builtins.includes(v));
      const declared = t.variables.map((v) => v.name);
      expect(new Set(declared).size).toBe(declared.length);
      expect([...used].sort()).toEqual([...declared].sort());
    },
  );

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))('%s describes every variable usefully', (_id, t) => {
    for (const v of t.variables) {
      expect(v.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(v.description.length).toBeGreaterThan(10);
      expect(v.example.length).toBeGreaterThan(0);
      // Optional variables carry the default a clone writes in; required ones never do.
      expect(v.default !== undefined, v.name).toBe(!v.required);
    }
    expect(t.variables[0]?.name).toBe('company_name');
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s opens by naming the business and saying the caller is an AI',
    (_id, t) => {
      const first = t.agent.first_message ?? '';
      expect(first).toContain('{{company_name}}');
      expect(first).toMatch(SAYS_AI);
      expect(first.length).toBeLessThan(300);
    },
  );

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s is complete: prompt, tools, voicemail, calling hours, extraction schema',
    (_id, t) => {
      const a = agentObject.parse(t.agent);
      expect(a.system_prompt.length).toBeGreaterThan(800);
      expect(a.system_prompt).toContain('end_call');
      expect(a.tools.some((tool) => tool.type === 'end_call')).toBe(true);
      expect(a.calling_hours).not.toBeNull();
      expect(a.extraction_schema).toMatchObject({ type: 'object', properties: expect.any(Object) });
      expect(Object.keys(a.extraction_schema?.properties as object).length).toBeGreaterThanOrEqual(3);
      if (a.voicemail.action === 'leave_message') {
        expect(a.voicemail.message).toContain('{{company_name}}');
        expect(a.voicemail.message).toMatch(SAYS_AI);
      }
      expect(t.transfer.description.length).toBeGreaterThan(10);
    },
  );

  it('give outreach templates (sales, insurance, collections) the add_to_dnc tool', () => {
    const outreach = AGENT_TEMPLATES.filter((t) => ['sales', 'insurance', 'collections'].includes(t.vertical));
    expect(outreach).toHaveLength(8);
    for (const t of outreach) {
      expect(
        (t.agent.tools ?? []).some((tool) => tool.type === 'add_to_dnc'),
        t.id,
      ).toBe(true);
    }
  });

  it('keep debts and health details out of voicemails, which anyone in the household may hear', () => {
    for (const t of [...templatesOf('collections'), ...templatesOf('healthcare')]) {
      const message = t.agent.voicemail?.message ?? '';
      expect(message, t.id).not.toMatch(
        /debt|balance|amount|due|medication|prescription|appointment|\{\{(amount|balance|medication)/i,
      );
    }
  });

  it.each(AGENT_TEMPLATES.map((t) => [t.id, t] as const))(
    '%s cloned with every example value needs nothing more at call time',
    (_id, t) => {
      const variables = Object.fromEntries(t.variables.map((v) => [v.name, v.example]));
      const clone = cloneTemplate(t, { variables });
      expect(clone.errors).toEqual([]);
      const agent = agentObject.parse(clone.agent);
      expect(missingVariables(agent, {})).toEqual([]);
      expect(agentVariables(agent)).toEqual([]);
      expect(agent.first_message).toContain(variables.company_name);
    },
  );
});

describe('cloneTemplate', () => {
  const template = findTemplate('tpl_healthcare_appointment_reminder');
  if (!template) throw new Error('missing template');

  it('leaves required variables as placeholders and writes in the defaults of optional ones', () => {
    const agent = agentObject.parse(cloneTemplate(template, {}).agent);
    const optional = template.variables.filter((v) => !v.required);
    expect(optional.length).toBeGreaterThan(0);
    for (const v of optional) expect(agent.system_prompt).toContain(v.default as string);
    expect(missingVariables(agent, {}).sort()).toEqual(
      template.variables
        .filter((v) => v.required)
        .map((v) => v.name)
        .sort(),
    );
  });

  it('names the request path of each problem: unknown variables, nested placeholders, transfer_to, overrides', () => {
    const clone = cloneTemplate(template, {
      variables: { company_name: 'Acme {{x}}', colour: 'blue' },
      transfer_to: 'not-a-number',
      overrides: { language: 'en-GB' },
    });
    expect(clone.errors.map((e) => e.path).sort()).toEqual(['variables.colour', 'variables.company_name']);
    expect(clone.errors.find((e) => e.path === 'variables.colour')?.message).toContain('company_name');
    const toolIndex = (clone.agent.tools as unknown[]).length - 1;
    expect(clone.requestPath(['tools', toolIndex, 'to'])).toBe('transfer_to');
    expect(clone.requestPath(['language'])).toBe('overrides.language');
    expect(clone.requestPath(['voicemail', 'message'])).toBe('variables');
    expect(clone.requestPath(['realtime'])).toBe('overrides.realtime');
  });

  it('adds a transfer_call tool with the template\u2019s mode and description when given transfer_to', () => {
    const agent = agentObject.parse(cloneTemplate(template, { transfer_to: '+14155550100' }).agent);
    expect(agent.tools.at(-1)).toEqual({
      type: 'transfer_call',
      to: '+14155550100',
      mode: template.transfer.mode,
      description: template.transfer.description,
    });
  });
});
