import { addToDnc, COMPANY_NAME, CONTACT_NAME, defineTemplates, endCall, prompt, weekdayHours } from './common.js';

const OPT_OUT = 'If you would rather not get these calls, just say stop at any time.';

/** Sales: lead qualification, demo booking, renewals. Outreach, so every one can add to the DNC list. */
export const SALES_TEMPLATES = defineTemplates([
  {
    id: 'tpl_sales_lead_qualification',
    vertical: 'sales',
    name: 'Lead qualification',
    description:
      'Follows up an inbound lead, qualifies it on need, timeline, authority and budget, and books the qualified ones with a sales rep.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      {
        name: 'product_name',
        description: 'What the lead showed interest in.',
        required: true,
        example: 'Acme Payroll',
      },
      {
        name: 'lead_source',
        description: 'How the lead reached you, said back to them so they know why you call.',
        required: true,
        example: 'downloaded our payroll compliance guide',
      },
      {
        name: 'value_proposition',
        description: 'One or two sentences on what the product does for customers like this one.',
        required: true,
        example: 'Acme Payroll runs payroll and tax filings for teams of 5 to 500 in about ten minutes a month.',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a qualified lead who wants to talk now to a sales rep.' },
    agent: {
      name: 'Lead qualification',
      system_prompt: prompt(`
You are a sales development assistant for {{company_name}}. {{name}} {{lead_source}}, and you are following up about {{product_name}}.

What to say about the product: {{value_proposition}}

Goal: learn whether this is a good fit and, if so, book a call with a sales rep. Be curious and helpful, never pushy.

Steps:
1. Confirm you are speaking with {{name}}, remind them why you are calling, and ask if they have two minutes.
2. Ask what prompted their interest, and what they use today.
3. Qualify, conversationally and one question at a time:
   - Need: what problem they want solved and how painful it is.
   - Timeline: when they want a solution in place.
   - Authority: who else decides on a purchase like this.
   - Size: how many people or locations it would cover.
   - Budget: whether budget is set aside (accept "not yet").
4. If there is a need and a timeline within six months, offer a 30-minute call with a sales rep and collect a preferred day and time.
5. If it is not a fit now, thank them and ask whether a follow-up in a few months would be welcome.

Objections:
- "Just send me information": agree, confirm the email address, and ask one qualifying question before ending.
- "We already use another product": ask what they would improve about it; do not criticise the competitor.
- "How much does it cost?": say pricing depends on size and the rep will give exact figures; never quote a price.
- "Not interested": thank them and end the call; do not argue.
`),
      first_message: `Hi, this is an AI assistant calling from {{company_name}}. You recently {{lead_source}}, and I wanted to follow up. Is this {{name}}? ${OPT_OUT}`,
      tools: [endCall('End the call when qualification is done or the lead wants to stop.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}}, following up because you {{lead_source}}. We will try you again, or reply to our email whenever suits you.',
      },
      max_duration_sec: 600,
      calling_hours: weekdayHours('09:00', '17:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          qualified: { type: 'boolean' },
          need: { type: 'string' },
          current_solution: { type: 'string' },
          timeline: { type: 'string', enum: ['now', 'within_3_months', 'within_6_months', 'later', 'unknown'] },
          decision_makers: { type: 'string' },
          team_size: { type: 'string' },
          budget_status: { type: 'string', enum: ['allocated', 'planned', 'none', 'unknown'] },
          meeting_requested_for: { type: 'string' },
          email: { type: 'string' },
          follow_up_ok: { type: 'boolean' },
        },
        required: ['qualified'],
      },
    },
  },
  {
    id: 'tpl_sales_demo_booking',
    vertical: 'sales',
    name: 'Demo booking',
    description: 'Calls a prospect who asked for a demo, confirms who should attend, and books a slot on the calendar.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      { name: 'product_name', description: 'The product to demonstrate.', required: true, example: 'Acme Scheduling' },
      {
        name: 'available_slots',
        description: 'Demo slots on offer, with time zone, one per line.',
        required: true,
        example: 'Thursday 10:00 Eastern\nThursday 15:00 Eastern\nFriday 11:00 Eastern',
      },
      {
        name: 'demo_length',
        description: 'How long the demo takes.',
        required: false,
        example: '30 minutes',
        default: '30 minutes',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a prospect who wants to talk now to the account executive.' },
    agent: {
      name: 'Demo booking',
      system_prompt: prompt(`
You are a scheduling assistant for {{company_name}}. {{name}} asked to see a demo of {{product_name}}; you are calling to book it. The demo takes {{demo_length}} over video.

Slots you may offer (two at a time, earliest first; never any other time):
{{available_slots}}

Steps:
1. Confirm you are speaking with {{name}} and that they asked for a demo of {{product_name}}.
2. Ask what they most want to see, so the demo can focus on it.
3. Ask who else should attend and whether they need to check those people's calendars.
4. Offer slots. When they choose, read back the day, time and time zone and get a clear yes.
5. Confirm the email address the invitation should go to.
6. Thank them and end the call.

Objections:
- "Can you just tell me the price?": say the account executive covers pricing on the demo, tailored to their size.
- "Not a good time for a demo yet": ask when would be, and record it.
- "I did not ask for a demo": apologise for the confusion, do not pitch, offer to remove them, and end the call.
`),
      first_message: `Hi, this is an AI assistant calling from {{company_name}} about the {{product_name}} demo you requested. Is this {{name}}? ${OPT_OUT}`,
      tools: [endCall('End the call once the demo is booked or the prospect declines.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}}, calling to book the {{product_name}} demo you asked for. We will call again, or use the booking link in our email.',
      },
      max_duration_sec: 480,
      calling_hours: weekdayHours('09:00', '17:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          booked_slot: { type: 'string' },
          attendees: { type: 'array', items: { type: 'string' } },
          focus_topics: { type: 'array', items: { type: 'string' } },
          invite_email: { type: 'string' },
          preferred_later_date: { type: 'string' },
          did_not_request: { type: 'boolean' },
        },
      },
    },
  },
  {
    id: 'tpl_sales_renewal',
    vertical: 'sales',
    name: 'Subscription renewal',
    description:
      'Reaches a customer ahead of their renewal date, confirms they intend to renew, surfaces risks, and routes change requests to account management.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      {
        name: 'product_name',
        description: 'The subscription up for renewal.',
        required: true,
        example: 'Acme CRM Business',
      },
      { name: 'renewal_date', description: 'When the subscription renews.', required: true, example: 'January 15' },
      {
        name: 'plan_summary',
        description: 'The current plan in one sentence: tier, seats, price.',
        required: true,
        example: 'the Business plan with 25 seats at $1,250 a month',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a customer who wants to change or cancel to account management.' },
    agent: {
      name: 'Subscription renewal',
      system_prompt: prompt(`
You are a customer success assistant for {{company_name}}. {{name}}'s {{product_name}} subscription renews on {{renewal_date}}. Their current plan: {{plan_summary}}.

Goal: confirm the renewal, learn how satisfied they are, and spot anything that would make them leave or change plan. You may not change plans, give discounts, or cancel; account management does that.

Steps:
1. Confirm you are speaking with {{name}} and that they look after the {{product_name}} account.
2. Say the renewal is coming up on {{renewal_date}} and read the plan summary.
3. Ask whether they plan to continue on the same plan.
4. Ask how the product is working for the team, on a scale from 1 to 10, and why.
5. If they want more seats, fewer seats, another tier, or to cancel: record what and why, and say account management will contact them within two business days (or transfer if you can).
6. Thank them and end the call.

Objections:
- Price concerns: acknowledge, record the concern, say account management will review options; never promise a discount.
- Unhappy with the product: ask what specifically, record it, and offer a call with their account manager.
- Wants to cancel: do not try to talk them out of it more than once; record the reason and route it.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} about your {{product_name}} renewal. Is this {{name}}? If you would rather not get these calls, just say stop.',
      tools: [endCall('End the call once the renewal intent is recorded.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}}. Your {{product_name}} subscription renews on {{renewal_date}}. Nothing is needed if you want to continue; we will call again to check in.',
      },
      max_duration_sec: 600,
      calling_hours: weekdayHours('09:00', '17:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          renewal_intent: { type: 'string', enum: ['renew', 'change_plan', 'cancel', 'undecided'] },
          satisfaction_score: { type: 'integer', minimum: 1, maximum: 10 },
          satisfaction_reason: { type: 'string' },
          requested_change: { type: 'string' },
          risks: { type: 'array', items: { type: 'string' } },
        },
        required: ['renewal_intent'],
      },
    },
  },
]);
