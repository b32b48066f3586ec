import { describe, expect, it } from 'vitest';
import { findDates, findEmails, findNames, findNumbers, zoneOffsetMinutes } from './entities.js';
import { extract, type TranscriptLine } from './extractor.js';

// Monday 23 November 2026, 9:00 in New York.
const REFERENCE = new Date('2026-11-23T14:00:00Z');
const NY = 'America/New_York';
const agent = (text: string): TranscriptLine => ({ role: 'agent', text });
const user = (text: string): TranscriptLine => ({ role: 'user', text });

const SCHEMA = {
  type: 'object',
  properties: {
    confirmed: { type: 'boolean', description: 'Whether you will attend the appointment' },
    preferred_time: { type: 'string', format: 'date-time' },
    email: { type: 'string', description: 'What email should we send the reminder to?' },
    party_size: { type: 'integer', description: 'How many people are coming?' },
    full_name: { type: 'string' },
    notes: { type: 'string', description: 'Anything else we should know?' },
  },
};

describe('extract', () => {
  it('fills the schema from a cooperative call', () => {
    const transcript = [
      agent('Hi, this is Scout from Acme Dental, an automated assistant. Who am I speaking with?'),
      user('Hi, this is Jordan Lee.'),
      agent('Can you confirm you will attend the appointment?'),
      user('Yes, I will be there.'),
      agent('What is your preferred time?'),
      user('Next Tuesday at 3 pm works best.'),
      agent('What email should we send the reminder to?'),
      user("It's jordan dot lee at example dot com."),
      agent('How many people are coming?'),
      user('Three of us.'),
      agent('Anything else we should know?'),
      user('No, that is all, thanks.'),
      { role: 'system', text: 'call ended' } as TranscriptLine,
    ];
    const result = extract(transcript, { referenceTime: REFERENCE, timeZone: NY, schema: SCHEMA });
    expect(result.data).toEqual({
      confirmed: true,
      preferred_time: '2026-12-01T15:00:00-05:00',
      email: 'jordan.lee@example.com',
      party_size: 3,
      full_name: 'Jordan Lee',
      notes: 'No, that is all, thanks.',
    });
    expect(result.requests).toEqual({ dnc: false, transfer: false, callback: null });
    expect(result.summary).toBe(
      "The callee (Jordan Lee) answered 6 of the agent's questions. Yes/no answers: 1 yes, 1 no. Email: jordan.lee@example.com. Time mentioned: Next Tuesday at 3 pm (2026-12-01T15:00:00-05:00).",
    );
  });

  it('reads a call-back request with its time in the callee zone, and leaves what was not said null', () => {
    const transcript = [
      agent('Hi, this is Scout. Can you confirm you will attend the appointment?'),
      user("Sorry, I'm busy right now. Can you call me back tomorrow afternoon?"),
      agent("Of course, we'll call you back tomorrow afternoon. Thank you, goodbye!"),
    ];
    const schema = {
      type: 'object',
      properties: { callback_time: { type: 'string' }, confirmed: { type: 'boolean' }, email: { type: 'string' } },
    };
    const result = extract(transcript, { referenceTime: REFERENCE, timeZone: NY, schema });
    expect(result.requests.callback).toEqual({ said: 'tomorrow afternoon', at: '2026-11-24T15:00:00-05:00' });
    expect(result.data).toEqual({ callback_time: '2026-11-24T15:00:00-05:00', confirmed: null, email: null });
    expect(result.summary).toBe(
      "The callee answered 1 of the agent's questions. They asked to be called back tomorrow afternoon.",
    );
  });

  it('flags do-not-call and transfer requests', () => {
    const dnc = extract([agent('Is this a good time?'), user('Please put me on your do not call list.')], {
      referenceTime: REFERENCE,
    });
    expect(dnc.requests.dnc).toBe(true);
    expect(dnc.summary).toContain('They asked not to be called again.');
    const human = extract([agent('Can I help?'), user('I want to speak to a representative.')], {
      referenceTime: REFERENCE,
    });
    expect(human.requests.transfer).toBe(true);
  });

  it('says so when the callee never spoke', () => {
    expect(extract([agent('Hello? Is anyone there?')], { referenceTime: REFERENCE, schema: SCHEMA })).toMatchObject({
      summary: 'The callee did not speak.',
      data: { confirmed: null, email: null, party_size: null, full_name: null, notes: null },
    });
  });
});

describe('entity finders', () => {
  it('dates: relative to the reference, in the given zone, date only when no time was said', () => {
    expect(zoneOffsetMinutes(NY, REFERENCE)).toBe(-300);
    expect(zoneOffsetMinutes('Asia/Kolkata', REFERENCE)).toBe(330);
    expect(findDates('tomorrow at 10am', REFERENCE, NY)[0]?.iso).toBe('2026-11-24T10:00:00-05:00');
    expect(findDates('How about Friday?', REFERENCE, NY)[0]).toEqual({
      text: 'Friday',
      iso: '2026-11-27',
      hasTime: false,
    });
    expect(findDates('tomorrow at 10am', REFERENCE, 'Asia/Kolkata')[0]?.iso).toBe('2026-11-24T10:00:00+05:30');
    expect(findDates('I am busy right now', REFERENCE, NY)).toEqual([]);
  });

  it('emails, numbers and names', () => {
    expect(findEmails('Send it to Pat.Doe@Example.org.')).toEqual(['pat.doe@example.org']);
    expect(findEmails('pat at mail dot example dot co')).toEqual(['pat@mail.example.co']);
    expect(findNumbers('We owe 1,500.50 dollars, maybe two more')).toEqual([1500.5, 2]);
    expect(findNames('Yes, my name is Ana Souza.')).toEqual(['Ana Souza']);
    expect(findNames("I'm busy right now")).toEqual([]);
    expect(findNames("I'm Sorry, who?")).toEqual([]);
  });
});
