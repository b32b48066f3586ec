import type { BuiltinPlaybook } from './types.js';

/**
 * The nine platform playbooks. A call made from an `objective` (no agent) runs on one of them,
 * chosen by the caller or by the classifier; custom playbooks fork them with `base`.
 */
const COMMON_RULES = [
  'Say you are an AI assistant if asked, and never claim to be human.',
  'One question at a time; keep turns to one or two sentences.',
  'Never invent facts, prices or commitments you were not given.',
  'If asked not to be called again, confirm it and end the call.',
];

export const BUILTIN_PLAYBOOKS: readonly BuiltinPlaybook[] = Object.freeze([
  {
    id: 'platform.reservation',
    name: 'Reservation',
    description: 'Book, change or cancel a reservation: a table, a room, an appointment slot, a rental.',
    strategy:
      'State what you want to book up front: party size or quantity, date, time and any requirements. If the exact slot is unavailable, ask for the nearest alternatives on either side and accept one inside the flexibility you were given. Confirm every detail back before ending, and ask for a confirmation number or the name the booking is under.',
    behavior_rules: [
      ...COMMON_RULES,
      'Never accept a slot outside the flexibility given in the context.',
      'Read back date, time, party size and name before ending.',
      'Ask for a confirmation number, deposit or cancellation policy if there is one.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        booked: { type: 'boolean' },
        date: { type: 'string' },
        time: { type: 'string' },
        party_size: { type: 'integer' },
        name_on_booking: { type: 'string' },
        confirmation_number: { type: 'string' },
        alternatives_offered: { type: 'array', items: { type: 'string' } },
        deposit_or_policy: { type: 'string' },
      },
      required: ['booked'],
    },
    success_criteria: ['A booking is confirmed inside the requested flexibility', 'Date, time and name were read back'],
    voice_tone: 'Warm, polite and efficient, like a considerate regular customer.',
  },
  {
    id: 'platform.price_inquiry',
    name: 'Price inquiry',
    description: 'Ask a business for prices, quotes, fees or availability of a product or service.',
    strategy:
      'Describe exactly what you need priced so the answer is comparable: the item or service, quantity, size, dates and location. Ask for the total price including fees and taxes, what it includes, and how long the price holds. If they cannot quote on the phone, ask what they need to give a quote and how to get it.',
    behavior_rules: [
      ...COMMON_RULES,
      'Ask for the total including fees, taxes and delivery.',
      'Ask what is included and how long the quote is valid.',
      'Do not commit to buy or give payment details.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        quoted: { type: 'boolean' },
        price: { type: 'number' },
        currency: { type: 'string' },
        includes: { type: 'array', items: { type: 'string' } },
        fees: { type: 'string' },
        valid_until: { type: 'string' },
        availability: { type: 'string' },
        how_to_get_quote: { type: 'string' },
      },
      required: ['quoted'],
    },
    success_criteria: ['A total price or a clear path to one was obtained', 'What the price includes is known'],
    voice_tone: 'Friendly, matter-of-fact and precise.',
  },
  {
    id: 'platform.negotiation',
    name: 'Negotiation',
    description: 'Negotiate a price, fee, rate, bill or terms within limits given in the context.',
    strategy:
      'Open by stating the goal and one concrete reason the other side should move (loyalty, a competing offer, a billing error, volume). Let them make the first offer when possible. Move in small steps, never past the walk-away limit in the context, and ask for something in return for every concession. Summarise any agreement precisely and ask for it in writing or a reference number.',
    behavior_rules: [
      ...COMMON_RULES,
      'Never go past the walk-away limit given in the context, and never reveal it.',
      'Do not bluff about offers or facts you do not have.',
      'Get any agreement confirmed with a reference number or in writing.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        agreed: { type: 'boolean' },
        final_terms: { type: 'string' },
        original_price: { type: 'number' },
        final_price: { type: 'number' },
        concessions_made: { type: 'array', items: { type: 'string' } },
        reference_number: { type: 'string' },
        next_step: { type: 'string' },
      },
      required: ['agreed'],
    },
    success_criteria: [
      'Terms better than the starting point were agreed within the limit',
      'The agreement is confirmed',
    ],
    voice_tone: 'Calm, courteous and firm; never aggressive.',
  },
  {
    id: 'platform.information_gather',
    name: 'Information gathering',
    description: 'Ask a set of questions and record the answers: research, verification, surveys, checks.',
    strategy:
      'Explain briefly why you are asking and how long it takes. Ask the questions in a natural order, one at a time, and follow up once when an answer is vague. Confirm anything that will be written down exactly (names, numbers, dates). Thank them and stop when the questions are answered.',
    behavior_rules: [
      ...COMMON_RULES,
      'Ask one follow-up at most per vague answer.',
      'Spell back names, numbers and dates.',
      'Accept "I don\'t know" and move on.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        answers: {
          type: 'array',
          items: { type: 'object', properties: { question: { type: 'string' }, answer: { type: 'string' } } },
        },
        completed: { type: 'boolean' },
        declined: { type: 'boolean' },
      },
      required: ['completed'],
    },
    success_criteria: ['Every question was asked and answered or declined'],
    voice_tone: 'Neutral, patient and clear.',
  },
  {
    id: 'platform.scheduling',
    name: 'Scheduling',
    description: 'Find and agree a time for a meeting, visit, delivery, interview or call back.',
    strategy:
      'Offer two concrete times at once, earliest first, from the availability in the context; if neither works, ask for their windows and find an overlap. Always state time zones. Confirm the agreed day, date, time, place or link, and who attends.',
    behavior_rules: [
      ...COMMON_RULES,
      'Only offer times from the availability given.',
      'Always say the time zone.',
      'Read back the agreed slot and get a clear yes.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        scheduled: { type: 'boolean' },
        slot: { type: 'string' },
        timezone: { type: 'string' },
        location_or_link: { type: 'string' },
        attendees: { type: 'array', items: { type: 'string' } },
        their_availability: { type: 'array', items: { type: 'string' } },
      },
      required: ['scheduled'],
    },
    success_criteria: ['A time was agreed and read back', 'Otherwise, their availability was recorded'],
    voice_tone: 'Friendly, brisk and organised.',
  },
  {
    id: 'platform.cold_outreach',
    name: 'Cold outreach',
    description: 'First contact with someone who does not expect the call: prospecting, introductions, offers.',
    strategy:
      'Earn the next thirty seconds: say who you are, why you are calling them specifically, and ask permission to continue. Ask one question about their situation before pitching. Present one benefit relevant to their answer, then ask for a small next step (a meeting, sending information). Accept a no gracefully at the first clear refusal.',
    behavior_rules: [
      ...COMMON_RULES,
      'Ask permission to continue within the first two turns.',
      'Offer the opt-out clearly; honour "stop" or "not interested" at once.',
      'Never pressure, never claim urgency that does not exist.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        interested: { type: 'boolean' },
        next_step: { type: 'string', enum: ['meeting', 'send_info', 'call_later', 'none'] },
        meeting_time: { type: 'string' },
        email: { type: 'string' },
        objection: { type: 'string' },
        opted_out: { type: 'boolean' },
      },
      required: ['interested'],
    },
    success_criteria: ['A next step was agreed (meeting, information, later call)'],
    voice_tone: 'Upbeat, respectful of their time, never pushy.',
  },
  {
    id: 'platform.complaint',
    name: 'Complaint',
    description: 'Raise or resolve a complaint, dispute a charge, or report a problem with a product or service.',
    strategy:
      'State the problem in one sentence with the facts that matter (dates, amounts, reference numbers) and the outcome you want. Listen to their explanation, then ask what they can do. If the first person cannot help, ask for a supervisor or the formal complaint route. Leave with a concrete resolution or a reference number and a date to expect it.',
    behavior_rules: [
      ...COMMON_RULES,
      'Stay calm and factual, however the other side responds.',
      'Always leave with a reference number and an expected date.',
      'Do not accept a partial remedy outside the limits in the context.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        resolved: { type: 'boolean' },
        resolution: { type: 'string' },
        reference_number: { type: 'string' },
        expected_by: { type: 'string' },
        escalated: { type: 'boolean' },
        refund_amount: { type: 'number' },
      },
      required: ['resolved'],
    },
    success_criteria: ['A resolution or a reference number with an expected date was obtained'],
    voice_tone: 'Polite, composed and persistent.',
  },
  {
    id: 'platform.follow_up',
    name: 'Follow-up',
    description: 'Check on something already in motion: a previous call, an application, an order, a promise.',
    strategy:
      'Remind them of the earlier contact in one sentence (when, with whom, what was agreed). Ask for the current status and what, if anything, is still needed. Agree the next step and when it happens.',
    behavior_rules: [
      ...COMMON_RULES,
      'Refer to the earlier contact precisely, from the context.',
      'Leave with a status and a date for the next step.',
    ],
    extraction_schema: {
      type: 'object',
      properties: {
        status: { type: 'string' },
        still_needed: { type: 'array', items: { type: 'string' } },
        next_step: { type: 'string' },
        next_step_date: { type: 'string' },
      },
      required: ['status'],
    },
    success_criteria: ['The current status and the next step with a date are known'],
    voice_tone: 'Friendly and familiar, concise.',
  },
  {
    id: 'platform.general',
    name: 'General',
    description: 'Anything else: the objective in the context is the whole plan.',
    strategy:
      'Follow the objective in the context. Say early why you are calling, ask what you need to achieve it one question at a time, confirm what was agreed, and end politely once it is met or clearly cannot be.',
    behavior_rules: [...COMMON_RULES, 'Summarise the outcome before ending.'],
    extraction_schema: {
      type: 'object',
      properties: {
        objective_met: { type: 'boolean' },
        summary: { type: 'string' },
        follow_up_needed: { type: 'boolean' },
      },
      required: ['objective_met'],
    },
    success_criteria: ['The objective in the context was met'],
    voice_tone: 'Natural, polite and clear.',
  },
]);

const BY_ID = new Map(BUILTIN_PLAYBOOKS.map((p) => [p.id as string, p]));
export const BUILTIN_IDS = BUILTIN_PLAYBOOKS.map((p) => p.id);
export type BuiltinId = (typeof BUILTIN_IDS)[number];

export function findBuiltin(id: string): BuiltinPlaybook | undefined {
  return BY_ID.get(id);
}

/** True for a name in the platform's reserved namespace, whether or not such a playbook exists. */
export const isPlatformName = (id: string) => id.startsWith('platform.');
