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

/** Support: order status, outage notice, satisfaction survey. */
export const SUPPORT_TEMPLATES = defineTemplates([
  {
    id: 'tpl_support_order_status',
    vertical: 'support',
    name: 'Order status update',
    description:
      'Tells a customer about a delayed or changed order, and records whether they accept the new date, want a change, or a refund.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      CALLBACK_NUMBER,
      { name: 'order_number', description: 'The order reference.', required: true, example: 'A-100482' },
      {
        name: 'order_status',
        description: 'What happened to the order, in plain words.',
        required: true,
        example: 'the sofa you ordered is delayed at the factory',
      },
      {
        name: 'new_delivery_date',
        description: 'The new expected delivery date.',
        required: true,
        example: 'Friday 13 December',
      },
    ],
    transfer: {
      mode: 'cold',
      description: 'Send a customer who wants to change or cancel the order to customer service.',
    },
    agent: {
      name: 'Order status update',
      system_prompt: prompt(`
You are a customer care assistant for {{company_name}}, calling {{name}} about order {{order_number}}: {{order_status}}. The new expected delivery date is {{new_delivery_date}}.

Steps:
1. Confirm you are speaking with {{name}} and that they placed order {{order_number}}.
2. Explain what happened and the new date, and apologise for any inconvenience.
3. Ask whether the new date works.
4. If not, ask what they would prefer: a different delivery date, changing the order, or cancelling for a refund. Record it; say customer service will confirm within one business day. Never promise a refund amount or compensation you were not told about.
5. Confirm the delivery address is still correct if they raise it, and record any change.
6. Thank them and end the call.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} about your order {{order_number}}. Is this {{name}}?',
      tools: [endCall('End the call once the customer\u2019s choice is recorded.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}} about your order {{order_number}}. Its new expected delivery date is {{new_delivery_date}}. Questions? Call us at {{callback_number}}.',
      },
      max_duration_sec: 420,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          accepts_new_date: { type: 'boolean' },
          preference: { type: 'string', enum: ['accept', 'other_date', 'change_order', 'cancel_refund', 'undecided'] },
          preferred_date: { type: 'string' },
          address_change: { type: 'string' },
          complaint: { type: 'string' },
        },
        required: ['preference'],
      },
    },
  },
  {
    id: 'tpl_support_outage_notice',
    vertical: 'support',
    name: 'Service outage notice',
    description:
      'Warns affected customers of a planned or ongoing outage, gives the expected restoration time, and records who needs priority help.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      CALLBACK_NUMBER,
      { name: 'service_name', description: 'The affected service.', required: true, example: 'internet service' },
      {
        name: 'outage_window',
        description: 'When the outage started or will happen.',
        required: true,
        example: 'since 6 AM this morning',
      },
      {
        name: 'restoration_estimate',
        description: 'When service is expected back.',
        required: true,
        example: 'by 4 PM today',
      },
      {
        name: 'status_url',
        description: 'Where updates are posted.',
        required: false,
        example: 'status.example.com',
        default: 'our website',
      },
    ],
    transfer: {
      mode: 'warm',
      description:
        'Hand a customer who relies on the service for medical equipment or safety to the priority support line.',
    },
    agent: {
      name: 'Service outage notice',
      system_prompt: prompt(`
You are a customer notice assistant for {{company_name}}, calling {{name}} about {{service_name}}: an outage {{outage_window}}. Service is expected back {{restoration_estimate}}. Updates are posted at {{status_url}}.

Steps:
1. Confirm you are speaking with {{name}} or someone in the household or business.
2. Explain the outage and the expected restoration time, and apologise.
3. Ask whether anyone relies on the service for medical equipment, safety alarms, or similar critical needs. If yes, record it and offer the priority support line (transfer or a callback within the hour).
4. Tell them where updates are posted and that no action is needed from them unless service is not back by the estimate, in which case they should call {{callback_number}}.
5. Answer questions only from what you were told; never guess a cause or a new time.
6. Thank them and end the call.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} with an important notice about your {{service_name}}. Is this {{name}}?',
      tools: [endCall('End the call once the notice is delivered and any critical need recorded.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}}. There is an outage affecting your {{service_name}} {{outage_window}}; we expect it back {{restoration_estimate}}. Updates are at {{status_url}}, or call {{callback_number}}.',
      },
      max_duration_sec: 300,
      calling_hours: weekAndSaturdayHours('08:00', '20:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          notice_delivered: { type: 'boolean' },
          critical_dependency: { type: 'boolean' },
          critical_details: { type: 'string' },
          priority_callback_requested: { type: 'boolean' },
          questions: { type: 'array', items: { type: 'string' } },
        },
        required: ['notice_delivered', 'critical_dependency'],
      },
    },
  },
  {
    id: 'tpl_support_satisfaction_survey',
    vertical: 'support',
    name: 'Satisfaction survey',
    description:
      'Asks a customer three short questions after a purchase or support case: satisfaction, likelihood to recommend, and what to improve.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      {
        name: 'interaction',
        description: 'What the survey is about.',
        required: true,
        example: 'your recent repair visit',
      },
    ],
    transfer: { mode: 'cold', description: 'Send a customer with an unresolved problem to customer service.' },
    agent: {
      name: 'Satisfaction survey',
      system_prompt: prompt(`
You are a customer feedback assistant for {{company_name}}, calling {{name}} for a two-minute survey about {{interaction}}.

Steps:
1. Confirm you are speaking with {{name}} and ask whether they have two minutes. If not, thank them and end the call; do not insist.
2. Ask: "On a scale from 1 to 5, how satisfied were you with {{interaction}}?"
3. Ask: "On a scale from 0 to 10, how likely are you to recommend {{company_name}} to a friend or colleague?"
4. Ask: "What is one thing we could do better?" Let them speak; ask one follow-up question at most.
5. If they describe a problem that is not resolved, apologise, record it, and offer customer service (transfer or callback).
6. Thank them and end the call.

Handling:
- Accept every score without reaction or argument; never ask them to change a score.
- Record their words faithfully; do not summarise away complaints.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} with a short survey about {{interaction}}. Is this {{name}}? If you would rather not get these calls, just say stop.',
      tools: [endCall('End the call once the survey is done or the customer declines.'), addToDnc],
      voicemail: { action: 'hang_up' },
      max_duration_sec: 300,
      calling_hours: weekAndSaturdayHours('10:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          completed: { type: 'boolean' },
          csat: { type: 'integer', minimum: 1, maximum: 5 },
          nps: { type: 'integer', minimum: 0, maximum: 10 },
          improvement: { type: 'string' },
          unresolved_problem: { type: 'string' },
          follow_up_requested: { type: 'boolean' },
        },
        required: ['completed'],
      },
    },
  },
]);
