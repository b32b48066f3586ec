import { describe, expect, it } from 'vitest';
import { agentVariables, fillVariables, missingVariables, templateVariables } from './variables.js';

const agent = (system_prompt: string, first_message: string | null = null, message?: string) => ({
  system_prompt,
  first_message,
  voicemail: message === undefined ? { action: 'hang_up' as const } : { action: 'leave_message' as const, message },
});

describe('template variables', () => {
  it('finds each {{name}} once, in order of first appearance, with or without inner spaces', () => {
    expect(templateVariables('Hi {{name}}, {{ company_name }} here. Bye {{name}}.')).toEqual(['name', 'company_name']);
    expect(templateVariables(null)).toEqual([]);
    expect(templateVariables('')).toEqual([]);
  });

  it('ignores what is not a placeholder: single braces, empty braces, names starting with a digit or with dashes', () => {
    expect(templateVariables('{name} {{}} {{1st}} {{first-name}} {{ two words }} {{{triple}}}')).toEqual(['triple']);
  });

  it('reads the prompt, the first message and the voicemail message of an agent', () => {
    expect(agentVariables(agent('You call for {{company_name}}.', 'Hi {{name}}', 'Call {{callback_number}}'))).toEqual([
      'company_name',
      'name',
      'callback_number',
    ]);
  });

  it('reports missing variables, never the built-ins, and counts an empty string as given', () => {
    const a = agent('It is {{now}}; you call {{to_number}} as {{agent_name}} for {{company_name}}.', 'Hi {{name}}');
    expect(missingVariables(a, {})).toEqual(['company_name', 'name']);
    expect(missingVariables(a, { company_name: 'Acme', name: null })).toEqual(['name']);
    expect(missingVariables(a, { company_name: 'Acme', name: '' })).toEqual([]);
  });

  it('fills only the variables given, leaving the others, and takes values literally', () => {
    expect(fillVariables('{{a}} and {{ b }} and {{c}}', { a: 'A', b: '$& $1' })).toBe('A and $& $1 and {{c}}');
    // Inherited object keys are not values.
    expect(fillVariables('{{constructor}}', {})).toBe('{{constructor}}');
  });
});
