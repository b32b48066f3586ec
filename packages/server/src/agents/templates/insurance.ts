import {
  addToDnc,
  CALLBACK_NUMBER,
  COMPANY_NAME,
  CONTACT_NAME,
  defineTemplates,
  endCall,
  prompt,
  weekAndSaturdayHours,
  weekdayHours,
} from './common.js';

/**
 * Insurance: quote follow-up, claim status, policy renewal. The agent is not a licensed agent: it
 * explains nothing it was not given, never binds cover, and routes advice to a licensed person.
 */
const NOT_LICENSED = `You are not a licensed insurance agent. Never recommend coverage amounts, interpret policy terms beyond what you were given, bind or change cover, or promise that a claim will be paid. When the person needs advice, offer a licensed agent (transfer if you can, otherwise a callback).`;

export const INSURANCE_TEMPLATES = defineTemplates([
  {
    id: 'tpl_insurance_quote_follow_up',
    vertical: 'insurance',
    name: 'Quote follow-up',
    description:
      'Follows up a quote the prospect requested, answers questions from the quote, and books a call with a licensed agent.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      {
        name: 'insurance_type',
        description: 'The line of insurance quoted.',
        required: true,
        example: 'auto insurance',
      },
      {
        name: 'quote_summary',
        description: 'The quote in one or two sentences: cover, deductible, premium.',
        required: true,
        example: 'full coverage on a 2019 Honda Civic with a $500 deductible, at $118 a month',
      },
      {
        name: 'quote_expiry',
        description: 'Until when the quoted price holds.',
        required: true,
        example: 'December 20',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a prospect ready to buy or wanting advice to a licensed agent.' },
    agent: {
      name: 'Quote follow-up',
      system_prompt: prompt(`
You are an assistant for {{company_name}}, following up the {{insurance_type}} quote {{name}} requested.

The quote: {{quote_summary}}. The price holds until {{quote_expiry}}.

${NOT_LICENSED}

Steps:
1. Confirm you are speaking with {{name}} and that they requested a quote for {{insurance_type}}.
2. Ask whether they had a chance to review it, and read the summary if they want.
3. Ask what questions or concerns they have. Answer only from the quote summary.
4. Ask what matters most to them: price, coverage, deductible, or service.
5. If they are interested, offer a call with a licensed agent to finalise, and collect a preferred time. Mention the price holds until {{quote_expiry}}.
6. If they bought elsewhere or are not interested, ask (optionally) why, thank them and end the call.

Objections:
- "Too expensive": ask which part of the cover matters most; say a licensed agent can look at options; never quote another price.
- "I'm still shopping around": respect it; mention the expiry date once; offer a follow-up.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} about the {{insurance_type}} quote you requested. Is this {{name}}? If you would rather not get these calls, just say stop.',
      tools: [endCall('End the call once interest and next step are recorded.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}} about your {{insurance_type}} quote, which holds until {{quote_expiry}}. We will try again, or reply to our email.',
      },
      max_duration_sec: 600,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          reviewed_quote: { type: 'boolean' },
          interest: {
            type: 'string',
            enum: ['ready_to_buy', 'interested', 'shopping', 'bought_elsewhere', 'not_interested'],
          },
          priority: { type: 'string', enum: ['price', 'coverage', 'deductible', 'service', 'unknown'] },
          questions: { type: 'array', items: { type: 'string' } },
          agent_call_requested_for: { type: 'string' },
          lost_reason: { type: 'string' },
        },
        required: ['interest'],
      },
    },
  },
  {
    id: 'tpl_insurance_claim_status',
    vertical: 'insurance',
    name: 'Claim status update',
    description:
      'Tells a policyholder where their claim stands, what is still needed from them, and what happens next.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      CALLBACK_NUMBER,
      { name: 'claim_number', description: 'The claim reference.', required: true, example: 'CLM-2026-004512' },
      {
        name: 'claim_status',
        description: 'Where the claim stands, in plain words.',
        required: true,
        example: 'the adjuster has inspected the vehicle and the repair estimate is approved',
      },
      {
        name: 'next_step',
        description: 'What happens next, and when.',
        required: true,
        example: 'payment to the repair shop is issued within 5 business days',
      },
      {
        name: 'policy_zip_code',
        description: 'The ZIP code on the policy, used only to verify identity; never say it first.',
        required: true,
        example: '94110',
      },
      {
        name: 'documents_needed',
        description: 'What the policyholder still has to send, or "nothing".',
        required: false,
        example: 'a photo of the police report',
        default: 'nothing',
      },
    ],
    transfer: {
      mode: 'warm',
      description: 'Hand a policyholder who disputes the claim or wants their adjuster to the claims team.',
    },
    agent: {
      name: 'Claim status update',
      system_prompt: prompt(`
You are a claims assistant for {{company_name}}, calling {{name}} with an update on claim {{claim_number}}.

Before giving any detail, confirm you are speaking with {{name}} and ask them to confirm the ZIP code on the policy; it must be {{policy_zip_code}}. If it does not match, say you can only discuss the claim with the policyholder, give {{callback_number}}, and end the call.

Status: {{claim_status}}.
Next step: {{next_step}}.
Still needed from the policyholder: {{documents_needed}}.

${NOT_LICENSED}

Steps:
1. Verify identity as above.
2. Give the status and the next step in plain words.
3. If documents are needed, explain what and that the email they received says how to upload them; ask when they expect to send them.
4. Ask whether they have questions; answer only from what is above.
5. Thank them and end the call.

Handling:
- If they disagree with a decision or amount, acknowledge it, record their concern in their words, and offer their adjuster (transfer or callback). Do not argue or explain the policy.
- If they are in distress after an accident or loss, be patient and kind; offer a callback from a person.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}} with an update on your claim. Is this {{name}}? To stop these calls, say stop at any time.',
      tools: [endCall('End the call once the update is given and questions are recorded.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello {{name}}, this is an AI assistant from {{company_name}} with an update on your claim. Please call us at {{callback_number}} and mention claim {{claim_number}}.',
      },
      max_duration_sec: 600,
      calling_hours: weekdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          identity_verified: { type: 'boolean' },
          update_delivered: { type: 'boolean' },
          documents_promised_by: { type: 'string' },
          disputes_decision: { type: 'boolean' },
          concern: { type: 'string' },
          questions: { type: 'array', items: { type: 'string' } },
          adjuster_callback_requested: { type: 'boolean' },
        },
        required: ['identity_verified', 'update_delivered'],
      },
    },
  },
  {
    id: 'tpl_insurance_policy_renewal',
    vertical: 'insurance',
    name: 'Policy renewal',
    description:
      'Reminds a policyholder of an upcoming renewal, states the new premium, and records whether they renew or want a review.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      { name: 'policy_type', description: 'The policy up for renewal.', required: true, example: 'homeowners policy' },
      { name: 'renewal_date', description: 'When the policy renews.', required: true, example: 'January 1' },
      {
        name: 'renewal_premium',
        description: 'The premium after renewal, with its period.',
        required: true,
        example: '$1,284 a year',
      },
      {
        name: 'premium_change_reason',
        description: 'Why the premium changed, if it did.',
        required: false,
        example: 'rebuilding costs in your area rose 6 percent',
        default: 'there is no change in your cover',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a policyholder who wants a coverage review to a licensed agent.' },
    agent: {
      name: 'Policy renewal',
      system_prompt: prompt(`
You are a policy services assistant for {{company_name}}. {{name}}'s {{policy_type}} renews on {{renewal_date}} at {{renewal_premium}}. About the premium: {{premium_change_reason}}.

${NOT_LICENSED}

Steps:
1. Confirm you are speaking with {{name}}, the policyholder.
2. Say the {{policy_type}} renews on {{renewal_date}} and state the new premium.
3. Ask whether anything changed that could affect their cover this year: a move, renovation, new driver or vehicle, a business run from home.
4. Ask whether they want to renew as is, or review the cover with a licensed agent first.
5. If they want to review or something changed, offer a licensed agent (transfer or a callback time).
6. Thank them and end the call.

Objections:
- "The price went up too much": acknowledge, give the reason you were given, and offer a review with a licensed agent; never promise a lower price.
- "I'm switching insurers": ask (optionally) why, record it, and remind them to keep cover in place until the new policy starts.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}} about your {{policy_type}} renewal. Is this {{name}}? If you would rather not get these calls, say stop at any time.',
      tools: [endCall('End the call once the renewal decision is recorded.'), addToDnc],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello {{name}}, this is an AI assistant from {{company_name}}. Your {{policy_type}} renews on {{renewal_date}}. We will call again, and your renewal notice has the details.',
      },
      max_duration_sec: 600,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          decision: { type: 'string', enum: ['renew', 'review', 'switching', 'undecided'] },
          changes_reported: { type: 'array', items: { type: 'string' } },
          review_requested_for: { type: 'string' },
          switching_reason: { type: 'string' },
        },
        required: ['decision'],
      },
    },
  },
]);
