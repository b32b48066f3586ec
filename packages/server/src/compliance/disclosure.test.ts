import { describe, expect, it } from 'vitest';
import {
  composeFirstUtterance,
  type DisclosureObligations,
  disclosureSentence,
  mentionsName,
  OPT_OUT_NOTICE,
  RECORDING_NOTICE,
  saysAi,
} from './disclosure.js';

const ALL: DisclosureObligations = {
  disclosure_required: true,
  recording_notice_required: true,
  opt_out_required: true,
};
const DISCLOSE_ONLY: DisclosureObligations = {
  disclosure_required: true,
  recording_notice_required: false,
  opt_out_required: false,
};
const NONE: DisclosureObligations = {
  disclosure_required: false,
  recording_notice_required: false,
  opt_out_required: false,
};
const alex = { caller_name: 'Alex', company: 'Acme Dental' };

describe('composeFirstUtterance', () => {
  it('keeps a first message that names the business and says it is an AI, word for word', () => {
    const msg = 'Hi, this is an AI assistant from Acme Dental. Is this Jordan?';
    expect(
      composeFirstUtterance({ firstMessage: msg, businessName: 'Acme Dental', obligations: DISCLOSE_ONLY }),
    ).toEqual({
      text: msg,
      added: [],
    });
  });

  it('recognises the registered name without its legal form, in any case and punctuation', () => {
    const msg = "hello! I'm ACME dental's A.I. receptionist.";
    const out = composeFirstUtterance({
      firstMessage: msg,
      businessName: 'Acme Dental, LLC',
      obligations: DISCLOSE_ONLY,
    });
    expect(out).toEqual({ text: msg, added: [] });
  });

  it('prepends a disclosure with the persona\u2019s name and company when the message lacks one', () => {
    const out = composeFirstUtterance({
      firstMessage: 'Is this Jordan? I am calling about your cleaning tomorrow.',
      businessName: 'Acme Dental LLC',
      persona: alex,
      obligations: DISCLOSE_ONLY,
    });
    expect(out).toEqual({
      text: 'Hi, this is Alex, an AI assistant calling for Acme Dental. Is this Jordan? I am calling about your cleaning tomorrow.',
      added: ['disclosure'],
    });
  });

  it('prepends when the message names the business but not that it is an AI, and when it says AI but not the business', () => {
    const business = composeFirstUtterance({
      firstMessage: 'This is Acme Dental calling.',
      businessName: 'Acme Dental',
      obligations: DISCLOSE_ONLY,
    });
    expect(business.text).toBe('Hi, this is an AI assistant calling for Acme Dental. This is Acme Dental calling.');
    const ai = composeFirstUtterance({
      firstMessage: "I'm an AI assistant with a quick question.",
      businessName: 'Acme Dental',
      obligations: DISCLOSE_ONLY,
    });
    expect(ai.added).toEqual(['disclosure']);
    expect(ai.text.startsWith('Hi, this is an AI assistant calling for Acme Dental.')).toBe(true);
  });

  it('uses the registered name when there is no persona, and says it alongside a persona company that differs', () => {
    expect(disclosureSentence('Acme Dental')).toBe('Hi, this is an AI assistant calling for Acme Dental.');
    expect(disclosureSentence('Acme Holdings Inc.', { caller_name: 'Sam', company: 'Bright Smiles' })).toBe(
      'Hi, this is Sam, an AI assistant calling for Bright Smiles on behalf of Acme Holdings Inc.',
    );
    expect(disclosureSentence('Acme Holdings Inc.')).toBe('Hi, this is an AI assistant calling for Acme Holdings Inc.');
    expect(mentionsName("O'Brien Plumbing's AI line", 'OBrien Plumbing')).toBe(true);
    expect(disclosureSentence('Acme Dental', { caller_name: 'Sam', company: 'Acme Dental Downtown' })).toBe(
      'Hi, this is Sam, an AI assistant calling for Acme Dental Downtown.',
    );
    expect(disclosureSentence('Acme Dental', { caller_name: ' Sam ', company: null })).toBe(
      'Hi, this is Sam, an AI assistant calling for Acme Dental.',
    );
  });

  it('does not count a message that names only the persona company, not the registered business', () => {
    const out = composeFirstUtterance({
      firstMessage: 'Hi, this is an AI assistant from Bright Smiles.',
      businessName: 'Acme Holdings',
      persona: { caller_name: 'Sam', company: 'Bright Smiles' },
      obligations: DISCLOSE_ONLY,
    });
    expect(out.added).toEqual(['disclosure']);
    expect(out.text).toContain('on behalf of Acme Holdings');
  });

  it('speaks a disclosure alone when there is no first message, with the notices required', () => {
    expect(
      composeFirstUtterance({ firstMessage: null, businessName: 'Acme', persona: alex, obligations: ALL }),
    ).toEqual({
      text: `Hi, this is Alex, an AI assistant calling for Acme Dental. ${RECORDING_NOTICE} ${OPT_OUT_NOTICE}`,
      added: ['disclosure', 'recording_notice', 'opt_out'],
    });
    expect(composeFirstUtterance({ firstMessage: '   ', businessName: 'Acme', obligations: DISCLOSE_ONLY }).text).toBe(
      'Hi, this is an AI assistant calling for Acme.',
    );
  });

  it('puts the notices right after the disclosure it adds, before the message', () => {
    const out = composeFirstUtterance({ firstMessage: 'Is this Jordan?', businessName: 'Acme', obligations: ALL });
    expect(out.text).toBe(
      `Hi, this is an AI assistant calling for Acme. ${RECORDING_NOTICE} ${OPT_OUT_NOTICE} Is this Jordan?`,
    );
  });

  it('puts the notices right after the sentence of the message that identifies the caller', () => {
    const out = composeFirstUtterance({
      firstMessage: 'Good morning! This is an AI assistant for Acme. Is this Jordan? I have news about your order.',
      businessName: 'Acme',
      obligations: { ...NONE, opt_out_required: true },
    });
    expect(out).toEqual({
      text: `Good morning! This is an AI assistant for Acme. ${OPT_OUT_NOTICE} Is this Jordan? I have news about your order.`,
      added: ['opt_out'],
    });
  });

  it('adds no notice the message already gives', () => {
    const msg = 'Hi, this is an AI assistant from Acme. This call is recorded. Say stop to opt out. Is this Jordan?';
    expect(composeFirstUtterance({ firstMessage: msg, businessName: 'Acme', obligations: ALL })).toEqual({
      text: msg,
      added: [],
    });
    const press9 = 'Hi, an AI assistant from Acme here; press 9 to stop these calls.';
    expect(
      composeFirstUtterance({
        firstMessage: press9,
        businessName: 'Acme',
        obligations: { ...NONE, opt_out_required: true },
      }).added,
    ).toEqual([]);
  });

  it('changes nothing when nothing is required, and adds notices first when only they are', () => {
    expect(composeFirstUtterance({ firstMessage: 'Hello Jordan!', businessName: 'Acme', obligations: NONE })).toEqual({
      text: 'Hello Jordan!',
      added: [],
    });
    expect(
      composeFirstUtterance({
        firstMessage: 'Hello Jordan!',
        businessName: 'Acme',
        obligations: { ...NONE, recording_notice_required: true },
      }),
    ).toEqual({ text: `${RECORDING_NOTICE} Hello Jordan!`, added: ['recording_notice'] });
  });

  it('drops a bare greeting that would repeat the disclosure\u2019s own, and keeps one that greets by name', () => {
    const bare = composeFirstUtterance({
      firstMessage: 'Hello! Is this Jordan?',
      businessName: 'Acme',
      obligations: DISCLOSE_ONLY,
    });
    expect(bare.text).toBe('Hi, this is an AI assistant calling for Acme. Is this Jordan?');
    const named = composeFirstUtterance({
      firstMessage: 'Hi Jordan, quick question.',
      businessName: 'Acme',
      obligations: DISCLOSE_ONLY,
    });
    expect(named.text).toBe('Hi, this is an AI assistant calling for Acme. Hi Jordan, quick question.');
  });

  it('refuses to compose without a registered business name', () => {
    expect(() => composeFirstUtterance({ firstMessage: null, businessName: '  ', obligations: ALL })).toThrow(
      /business name/,
    );
  });
});

describe('the disclosure detectors', () => {
  it('find AI in its common spellings and plain-words equivalents, but not inside other words', () => {
    for (const yes of [
      'an AI assistant',
      'A.I. agent',
      'AI-powered',
      'your ai helper',
      'a virtual assistant',
      'an automated system',
    ]) {
      expect(saysAi(yes), yes).toBe(true);
    }
    for (const no of ['I said hi', 'Thai food', 'a said assistant', 'MAIL', 'FAIR']) expect(saysAi(no), no).toBe(false);
  });

  it('match a business name as whole words only', () => {
    expect(mentionsName('Welcome to Acme Dental today', 'Acme Dental Inc.')).toBe(true);
    expect(mentionsName('Welcome to Acme Dentalworks', 'Acme Dental')).toBe(false);
    expect(mentionsName('Café Noir here', 'Cafe Noir LLC')).toBe(true);
    expect(mentionsName('anything', 'LLC')).toBe(false);
  });
});
