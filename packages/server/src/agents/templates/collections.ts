import {
  addToDnc,
  CALLBACK_NUMBER,
  COMPANY_NAME,
  CONTACT_NAME,
  defineTemplates,
  endCall,
  prompt,
  weekAndSaturdayHours,
} from './common.js';

/**
 * Collections: payment reminder, promise to pay. Written to the US FDCPA and Regulation F: the
 * debt is discussed only with the right party after verification; the "mini-Miranda" is said
 * once verified; voicemails are Regulation F "limited-content messages" that do not mention a
 * debt; no threats, no false urgency, no calls before 08:00 or after 21:00 local (the gate
 * enforces the clock; these hours narrow it further).
 */
const RIGHT_PARTY = `Right-party verification comes first. Ask for {{name}}. If someone else answers, do not say why you are calling or that it concerns a debt; ask only for a good time to reach {{name}} and end the call. When {{name}} is on the line, ask them to confirm the last four digits of the account number; they must be {{account_last4}}. Until they match, discuss nothing about the account.`;

const MINI_MIRANDA = `Once verified, say exactly: "This is {{company_name}}. This is an attempt to collect a debt, and any information obtained will be used for that purpose."`;

const CONDUCT = `Conduct you must keep:
- Be respectful and factual. Never threaten legal action, arrest, wage garnishment, credit reporting or anything else you were not told is planned, and never imply urgency that does not exist.
- If the person says they dispute the debt, stop collecting: record the dispute in their words and say they will receive information in writing.
- If they say they have a lawyer, ask for the lawyer's name and number, record it, and end the call.
- If they ask you to stop calling, or say the time or place is inconvenient, confirm you will not call again (or not at that time), use add_to_dnc when they ask not to be called at all, and end the call.
- If they mention hardship (job loss, illness, a death in the family), be kind, record it, and offer a callback from a specialist.
- Never take full card or bank details on this call; payments go through the secure link or the number given.`;

const ACCOUNT_LAST4 = {
  name: 'account_last4',
  description: 'Last four digits of the account, used only to verify the right party; never say them first.',
  required: true,
  example: '4821',
};

const LIMITED_CONTENT_VOICEMAIL =
  'Hello, this message is for {{name}}. This is an AI assistant calling from {{company_name}}. Please call us back at {{callback_number}}. Thank you.';

export const COLLECTIONS_TEMPLATES = defineTemplates([
  {
    id: 'tpl_collections_payment_reminder',
    vertical: 'collections',
    name: 'Payment reminder',
    description: 'Reminds a customer of a payment due or just missed, and records how and when they will pay.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      CALLBACK_NUMBER,
      ACCOUNT_LAST4,
      { name: 'amount_due', description: 'The amount due, with currency.', required: true, example: '$212.40' },
      { name: 'due_date', description: 'When it is or was due.', required: true, example: 'November 28' },
      {
        name: 'payment_options',
        description: 'How the customer can pay, in one sentence.',
        required: true,
        example: 'online with the link in your text messages, or by phone at 1 800 555 0100',
      },
    ],
    transfer: {
      mode: 'warm',
      description: 'Hand a customer in hardship or disputing the amount to an account specialist.',
    },
    agent: {
      name: 'Payment reminder',
      system_prompt: prompt(`
You are an accounts assistant for {{company_name}}, calling {{name}} about a payment of {{amount_due}} due on {{due_date}}.

${RIGHT_PARTY}

${MINI_MIRANDA}

Steps after verification:
1. Say the payment of {{amount_due}} is due on {{due_date}} (or was, if that date is past).
2. Ask whether they can pay it by then. Payment options: {{payment_options}}.
3. If yes, confirm the date and method they will use.
4. If not, ask what amount and date would work; record it exactly. Do not agree to settlements or waive fees; say a specialist will confirm any arrangement.
5. Thank them and end the call.

${CONDUCT}
`),
      first_message: 'Hello, this is an AI assistant calling from {{company_name}}. May I speak with {{name}}?',
      tools: [
        endCall('End the call once the payment plan or reason is recorded, or if the right party is unavailable.'),
        addToDnc,
      ],
      voicemail: { action: 'leave_message', message: LIMITED_CONTENT_VOICEMAIL },
      max_duration_sec: 600,
      calling_hours: weekAndSaturdayHours('09:00', '20:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          right_party_verified: { type: 'boolean' },
          will_pay_in_full: { type: 'boolean' },
          payment_date: { type: 'string' },
          payment_method: { type: 'string' },
          proposed_amount: { type: 'number' },
          disputed: { type: 'boolean' },
          dispute_reason: { type: 'string' },
          hardship: { type: 'string' },
          attorney: { type: 'string' },
          cease_requested: { type: 'boolean' },
        },
        required: ['right_party_verified'],
      },
    },
  },
  {
    id: 'tpl_collections_promise_to_pay',
    vertical: 'collections',
    name: 'Promise to pay',
    description:
      'Calls about an overdue balance to secure a specific promise to pay: an amount and a date, or a plan within the limits given.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      CALLBACK_NUMBER,
      ACCOUNT_LAST4,
      { name: 'balance', description: 'The overdue balance, with currency.', required: true, example: '$1,480.00' },
      { name: 'days_past_due', description: 'How many days overdue.', required: true, example: '45' },
      {
        name: 'minimum_payment',
        description: 'The smallest first payment you may accept without a specialist.',
        required: true,
        example: '$150',
      },
      {
        name: 'max_plan_months',
        description: 'The longest instalment plan you may record.',
        required: false,
        example: '6',
        default: '3',
      },
    ],
    transfer: {
      mode: 'warm',
      description: 'Hand a customer who needs an arrangement outside your limits to a specialist.',
    },
    agent: {
      name: 'Promise to pay',
      system_prompt: prompt(`
You are an accounts assistant for {{company_name}}, calling {{name}} about a balance of {{balance}} that is {{days_past_due}} days past due.

${RIGHT_PARTY}

${MINI_MIRANDA}

Goal: a specific, realistic promise: an amount and a date.

Steps after verification:
1. State the balance and how long it is overdue, without judgement.
2. Ask whether they can pay the full balance, and by when.
3. If not, ask what they can pay now and when. A first payment of at least {{minimum_payment}} and a plan of at most {{max_plan_months}} monthly payments is within what you can record. Outside that, record their proposal and say a specialist will call back.
4. Read back the promise: amount, date, and method. Get a clear yes.
5. Thank them and end the call.

Objections:
- "I can't pay anything right now": ask when their situation may change, record it, offer a specialist for hardship options.
- "I already paid": ask when and how, record it, and say the account team will check and follow up.

${CONDUCT}
`),
      first_message: 'Hello, this is an AI assistant calling from {{company_name}}. May I speak with {{name}}?',
      tools: [endCall('End the call once a promise or the reason for none is recorded.'), addToDnc],
      voicemail: { action: 'leave_message', message: LIMITED_CONTENT_VOICEMAIL },
      max_duration_sec: 600,
      calling_hours: weekAndSaturdayHours('09:00', '20:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          right_party_verified: { type: 'boolean' },
          promise: {
            type: 'object',
            properties: {
              amount: { type: 'number' },
              date: { type: 'string' },
              method: { type: 'string' },
              instalments: { type: 'integer' },
            },
          },
          within_limits: { type: 'boolean' },
          claims_already_paid: { type: 'boolean' },
          disputed: { type: 'boolean' },
          hardship: { type: 'string' },
          attorney: { type: 'string' },
          cease_requested: { type: 'boolean' },
        },
        required: ['right_party_verified'],
      },
    },
  },
]);
