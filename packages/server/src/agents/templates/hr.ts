import { COMPANY_NAME, CONTACT_NAME, defineTemplates, endCall, prompt, weekdayHours } from './common.js';

/** HR: candidate screening, interview scheduling, reference checks. */
export const HR_TEMPLATES = defineTemplates([
  {
    id: 'tpl_hr_candidate_screening',
    vertical: 'hr',
    name: 'Candidate screening',
    description:
      'Calls an applicant, confirms interest in the role, and asks the knock-out questions a recruiter asks before a first interview.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      { name: 'job_title', description: 'The role applied for.', required: true, example: 'Warehouse Associate' },
      {
        name: 'job_location',
        description: 'Where the job is, or "remote".',
        required: true,
        example: 'Reno, Nevada',
      },
      {
        name: 'screening_questions',
        description: 'The role-specific questions to ask, one per line.',
        required: false,
        example: 'Do you hold a forklift certification?\nCan you lift 50 pounds?',
        default: 'Tell me briefly about your most relevant experience for this role.',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a strong candidate who wants to talk now to the recruiter.' },
    agent: {
      name: 'Candidate screening',
      system_prompt: prompt(`
You are a recruiting assistant for {{company_name}}, calling {{name}}, who applied for the {{job_title}} position in {{job_location}}.

Goal: confirm the candidate is still interested and collect the answers a recruiter needs to decide on a first interview. You do not decide; you gather facts.

Steps:
1. Confirm you are speaking with {{name}} and that now is a good time (about five minutes). If not, ask when to call back.
2. Confirm they are still interested in the {{job_title}} role in {{job_location}}.
3. Ask, one at a time: their current availability to start; whether they are legally authorised to work in the country of the job; whether the location (or remote set-up) works for them; their expected pay range.
4. Ask these role-specific questions, one at a time, in order:
{{screening_questions}}
5. Ask whether they have any questions. Answer only from what you were told; otherwise say the recruiter will follow up.
6. Explain the next step: a recruiter reviews every screening and contacts candidates within a few business days. Thank them and end the call.

Handling:
- Never ask about age, race, religion, national origin, disability, pregnancy, marital or family status, or anything else protected by employment law. If the candidate volunteers such information, do not record it and move on.
- Do not promise an interview, an offer, a salary or a start date.
- If the candidate is no longer interested, thank them, ask (optionally) why, and end the call.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} about your application for the {{job_title}} role. Am I speaking with {{name}}?',
      tools: [endCall('End the call once the screening is complete or the candidate wants to stop.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant calling from {{company_name}} about your application for the {{job_title}} role. We will try you again soon, or you can reply to the email we sent you. Thank you.',
      },
      max_duration_sec: 900,
      calling_hours: weekdayHours(),
      extraction_schema: {
        type: 'object',
        properties: {
          still_interested: { type: 'boolean' },
          work_authorized: { type: 'boolean' },
          available_from: { type: 'string', description: 'When the candidate can start, as they said it.' },
          location_ok: { type: 'boolean' },
          expected_pay: { type: 'string' },
          answers: {
            type: 'array',
            items: { type: 'object', properties: { question: { type: 'string' }, answer: { type: 'string' } } },
          },
          candidate_questions: { type: 'array', items: { type: 'string' } },
          callback_requested_at: { type: 'string' },
        },
        required: ['still_interested'],
      },
    },
  },
  {
    id: 'tpl_hr_interview_scheduling',
    vertical: 'hr',
    name: 'Interview scheduling',
    description:
      'Offers a shortlisted candidate interview slots, books one, and confirms the format and what to bring.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      { name: 'job_title', description: 'The role being interviewed for.', required: true, example: 'Staff Nurse' },
      {
        name: 'available_slots',
        description: 'The interview slots on offer, with time zone, one per line.',
        required: true,
        example: 'Tuesday 3 December, 10:00 Pacific\nWednesday 4 December, 14:30 Pacific',
      },
      {
        name: 'interview_format',
        description: 'How the interview happens: video link, phone or an address.',
        required: true,
        example: 'a 45-minute video call; the link comes by email',
      },
      {
        name: 'interviewer_name',
        description: 'Who the candidate meets.',
        required: false,
        example: 'Priya Shah, Nurse Manager',
        default: 'the hiring manager',
      },
    ],
    transfer: { mode: 'cold', description: 'Send a candidate with questions about the role to the recruiting team.' },
    agent: {
      name: 'Interview scheduling',
      system_prompt: prompt(`
You are a scheduling assistant for {{company_name}}. {{name}} has been shortlisted for the {{job_title}} role, and you are calling to book their interview with {{interviewer_name}}.

The interview is {{interview_format}}.

Slots you may offer (offer at most two at a time, earliest first):
{{available_slots}}

Steps:
1. Confirm you are speaking with {{name}}. Congratulate them on being shortlisted.
2. Offer the first two slots. If neither works, offer the others. Never offer a time that is not on the list.
3. When they choose, read the day, date, time and time zone back and get a clear yes.
4. Tell them the format and that a confirmation with details will follow by email.
5. If no slot works, ask for two or three times that would work in the next week and say the recruiter will confirm.
6. Thank them and end the call.

Handling:
- If they withdraw from the process, thank them, record the reason if they give one, and end the call.
- Do not discuss pay, the other candidates, or the outcome of earlier rounds.
`),
      first_message:
        'Hi, this is an AI assistant calling from {{company_name}} to schedule your interview for the {{job_title}} role. Is this {{name}}?',
      tools: [endCall('End the call once a slot is booked or the candidate has given alternatives.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hi {{name}}, this is an AI assistant from {{company_name}}. Good news about your application for the {{job_title}} role: we would like to schedule an interview. We will call again, and you will find the options in your email.',
      },
      max_duration_sec: 600,
      calling_hours: weekdayHours(),
      extraction_schema: {
        type: 'object',
        properties: {
          slot_booked: { type: 'string', description: 'The chosen slot, exactly as offered.' },
          alternative_times: { type: 'array', items: { type: 'string' } },
          withdrew: { type: 'boolean' },
          withdrawal_reason: { type: 'string' },
          accessibility_needs_mentioned: { type: 'boolean' },
        },
        required: ['withdrew'],
      },
    },
  },
  {
    id: 'tpl_hr_reference_check',
    vertical: 'hr',
    name: 'Reference check',
    description:
      "Calls a candidate's referee with their consent and asks structured questions about the candidate's work.",
    variables: [
      COMPANY_NAME,
      {
        name: 'name',
        description: 'The referee being called (filled from the contact when the call has one).',
        required: true,
        example: 'Sam Ortiz',
      },
      {
        name: 'candidate_name',
        description: 'The candidate the reference is about.',
        required: true,
        example: 'Jordan Lee',
      },
      {
        name: 'job_title',
        description: 'The role the candidate is being considered for.',
        required: true,
        example: 'Account Manager',
      },
    ],
    transfer: { mode: 'cold', description: 'Send a referee who prefers to speak to a person to the recruiter.' },
    agent: {
      name: 'Reference check',
      system_prompt: prompt(`
You are an assistant for {{company_name}} calling {{name}}, whom {{candidate_name}} named as a professional reference for the {{job_title}} role. {{candidate_name}} agreed to this call.

Goal: a short, structured, fair reference. About ten minutes.

Steps:
1. Confirm you are speaking with {{name}}, say {{candidate_name}} gave their name as a reference, and ask whether they have ten minutes. If not, ask for a better time.
2. Ask, one at a time, and let them answer fully:
   a. How do you know {{candidate_name}}, and for how long did you work together?
   b. What were their main responsibilities?
   c. What are their greatest strengths?
   d. In what areas could they develop further?
   e. How did they work with colleagues and handle pressure?
   f. Would you work with them again, or rehire them if you could?
3. Ask if there is anything else they think the hiring team should know.
4. Thank them and end the call.

Handling:
- If they say their company policy allows only dates of employment and title, accept that politely, record it, and end the call.
- Never ask about health, family, age, religion, or other protected characteristics, and do not record them if offered.
- Do not share anything about the candidate's application or other references.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}}. {{candidate_name}} gave your name as a reference. Is this {{name}}?',
      tools: [endCall('End the call once the questions are answered or the referee declines.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello {{name}}, this is an AI assistant from {{company_name}}, calling about a reference for {{candidate_name}}. We will try again later. Thank you.',
      },
      max_duration_sec: 900,
      calling_hours: weekdayHours(),
      extraction_schema: {
        type: 'object',
        properties: {
          relationship: { type: 'string' },
          years_worked_together: { type: 'number' },
          responsibilities: { type: 'string' },
          strengths: { type: 'array', items: { type: 'string' } },
          development_areas: { type: 'array', items: { type: 'string' } },
          teamwork: { type: 'string' },
          would_rehire: { type: 'string', enum: ['yes', 'no', 'unsure', 'declined'] },
          policy_limited: { type: 'boolean', description: 'The referee could only confirm dates and title.' },
        },
        required: ['would_rehire'],
      },
    },
  },
]);
