import {
  CALLBACK_NUMBER,
  COMPANY_NAME,
  CONTACT_NAME,
  defineTemplates,
  endCall,
  prompt,
  weekAndSaturdayHours,
} from './common.js';

/**
 * Healthcare: appointment reminders, patient intake, prescription refills. Patient details are
 * protected health information: the agent verifies identity before it discusses anything, and
 * voicemails say nothing about the visit, the medication or the reason for the call.
 */
const IDENTITY_CHECK = `Before discussing anything about the patient's care, confirm you are speaking with {{name}} and ask them to confirm their date of birth; it must match {{date_of_birth}}. If it does not match after two tries, or you are speaking with someone else, say you can only discuss this with the patient, ask them to call {{callback_number}}, and end the call.`;

const DATE_OF_BIRTH = {
  name: 'date_of_birth',
  description: "The patient's date of birth, used only to verify identity; never say it first.",
  required: true,
  example: '1984-03-12',
};

export const HEALTHCARE_TEMPLATES = defineTemplates([
  {
    id: 'tpl_healthcare_appointment_reminder',
    vertical: 'healthcare',
    name: 'Appointment reminder',
    description: 'Reminds a patient of an upcoming appointment, confirms, cancels or takes a reschedule request.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      DATE_OF_BIRTH,
      CALLBACK_NUMBER,
      {
        name: 'appointment_time',
        description: 'Day, date and time of the appointment.',
        required: true,
        example: 'Tuesday 3 December at 9:30 AM',
      },
      { name: 'provider_name', description: 'Who the patient sees.', required: true, example: 'Dr. Amina Patel' },
      {
        name: 'preparation_instructions',
        description: 'What the patient must do before the visit.',
        required: false,
        example: 'Please arrive 15 minutes early and bring your insurance card.',
        default: 'Please arrive 10 minutes early and bring your insurance card and a photo ID.',
      },
    ],
    transfer: { mode: 'cold', description: 'Send a patient who needs to talk to the front desk there.' },
    agent: {
      name: 'Appointment reminder',
      system_prompt: prompt(`
You are a patient scheduling assistant for {{company_name}}, calling {{name}} about an appointment.

${IDENTITY_CHECK}

Appointment: {{appointment_time}} with {{provider_name}}.
Preparation: {{preparation_instructions}}

Steps:
1. After verifying identity, state the appointment day, time and provider.
2. Ask whether they will attend.
3. If yes: read the preparation instructions and end the call.
4. If they need to reschedule: ask for two or three days and times that suit them; say the office will call back to confirm a new time. Do not promise a specific slot.
5. If they want to cancel: confirm the cancellation clearly and ask (optionally) whether they want to be contacted to rebook.

Handling:
- If the patient describes urgent symptoms (chest pain, trouble breathing, severe bleeding, thoughts of self-harm), tell them to hang up and call 911 or go to the nearest emergency room now, then end the call.
- Never give medical advice, interpret results, or discuss diagnoses or medications.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}} with an appointment reminder. May I speak with {{name}}?',
      tools: [endCall('End the call once the appointment is confirmed, cancelled or a reschedule request is taken.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello, this is an AI assistant from {{company_name}} with a message for {{name}}. Please call us back at {{callback_number}}. Thank you.',
      },
      max_duration_sec: 300,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          identity_verified: { type: 'boolean' },
          attendance: { type: 'string', enum: ['confirmed', 'reschedule', 'cancel', 'unknown'] },
          preferred_times: { type: 'array', items: { type: 'string' } },
          wants_rebooking_call: { type: 'boolean' },
          urgent_symptoms_reported: { type: 'boolean' },
        },
        required: ['identity_verified', 'attendance'],
      },
    },
  },
  {
    id: 'tpl_healthcare_patient_intake',
    vertical: 'healthcare',
    name: 'New patient intake',
    description:
      'Collects a new patient\u2019s details before their first visit: contact details, insurance, reason for visit, allergies and current medications.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      DATE_OF_BIRTH,
      CALLBACK_NUMBER,
      {
        name: 'appointment_time',
        description: 'The first visit.',
        required: true,
        example: 'Monday 9 December at 2:00 PM',
      },
    ],
    transfer: { mode: 'warm', description: 'Hand a patient with clinical questions to the nurse line.' },
    agent: {
      name: 'New patient intake',
      system_prompt: prompt(`
You are a patient intake assistant for {{company_name}}. {{name}} is a new patient with a first visit on {{appointment_time}}. You collect what the front desk needs so the visit starts on time.

${IDENTITY_CHECK}

Collect, one question at a time, confirming spellings of names and reading numbers back:
1. Home address and the best phone number and email.
2. Insurance: the insurer's name, member ID and group number, and the policy holder's name if not the patient. If they do not have the card at hand, say they can bring it to the visit.
3. The main reason for the visit, in their own words.
4. Allergies to medications, foods or latex.
5. Current medications and doses, as they know them (it is fine to say "I'll bring the bottles").
6. Preferred pharmacy.
7. An emergency contact: name, relationship and phone.
Then summarise what you collected in two sentences, tell them to arrive 15 minutes early with their insurance card and ID, and end the call.

Handling:
- Never give medical advice or comment on symptoms, medications or doses. If asked, say their provider will discuss it at the visit.
- If the patient describes urgent symptoms, tell them to call 911 or go to the nearest emergency room now, and end the call.
- If they prefer to fill in forms online or at the office, accept that and end the call.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}} to help you get ready for your first visit. May I speak with {{name}}?',
      tools: [endCall('End the call once intake is complete or the patient prefers another way.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello, this is an AI assistant from {{company_name}} with a message for {{name}}. Please call us back at {{callback_number}}. Thank you.',
      },
      max_duration_sec: 1200,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          identity_verified: { type: 'boolean' },
          address: { type: 'string' },
          phone: { type: 'string' },
          email: { type: 'string' },
          insurance: {
            type: 'object',
            properties: {
              insurer: { type: 'string' },
              member_id: { type: 'string' },
              group_number: { type: 'string' },
              policy_holder: { type: 'string' },
            },
          },
          reason_for_visit: { type: 'string' },
          allergies: { type: 'array', items: { type: 'string' } },
          medications: {
            type: 'array',
            items: { type: 'object', properties: { name: { type: 'string' }, dose: { type: 'string' } } },
          },
          pharmacy: { type: 'string' },
          emergency_contact: {
            type: 'object',
            properties: { name: { type: 'string' }, relationship: { type: 'string' }, phone: { type: 'string' } },
          },
          prefers_forms: { type: 'boolean' },
        },
        required: ['identity_verified'],
      },
    },
  },
  {
    id: 'tpl_healthcare_prescription_refill',
    vertical: 'healthcare',
    name: 'Prescription refill',
    description:
      'Tells a patient a refill is due, confirms they still need it and which pharmacy, and flags any change for the care team.',
    variables: [
      COMPANY_NAME,
      CONTACT_NAME,
      DATE_OF_BIRTH,
      CALLBACK_NUMBER,
      {
        name: 'medication_name',
        description: 'The medication due for refill, as on the label.',
        required: true,
        example: 'lisinopril 10 mg',
      },
      {
        name: 'pharmacy_name',
        description: 'The pharmacy on file.',
        required: true,
        example: 'Walgreens on Main Street',
      },
    ],
    transfer: {
      mode: 'warm',
      description: 'Hand a patient reporting side effects or a changed condition to the nurse line.',
    },
    agent: {
      name: 'Prescription refill',
      system_prompt: prompt(`
You are a pharmacy services assistant for {{company_name}}, calling {{name}} because a refill of {{medication_name}} is due.

${IDENTITY_CHECK}

Steps (only after identity is verified; never name the medication before that):
1. Say a refill of {{medication_name}} is due and ask whether they still take it as prescribed.
2. If yes, confirm the pharmacy: {{pharmacy_name}}. If they want another pharmacy, get its name and location.
3. Ask whether anything has changed since their last visit: new medications, side effects, or a hospital stay. If anything has, record it and say a nurse will review it before the refill is sent.
4. Tell them the care team sends eligible refills within two business days and the pharmacy will notify them.
5. Thank them and end the call.

Handling:
- If they stopped taking the medication, record why in their words and say the care team will follow up; never advise them to restart or stop any medication.
- If they report a serious reaction (swelling of face or throat, trouble breathing, fainting), tell them to call 911 now, and end the call.
- Never change doses, suggest alternatives, or promise that a refill will be approved.
`),
      first_message:
        'Hello, this is an AI assistant calling from {{company_name}} about a prescription. May I speak with {{name}}?',
      tools: [endCall('End the call once the refill request and any changes are recorded.')],
      voicemail: {
        action: 'leave_message',
        message:
          'Hello, this is an AI assistant from {{company_name}} with a message for {{name}}. Please call us back at {{callback_number}}. Thank you.',
      },
      max_duration_sec: 420,
      calling_hours: weekAndSaturdayHours('09:00', '19:00'),
      extraction_schema: {
        type: 'object',
        properties: {
          identity_verified: { type: 'boolean' },
          still_taking: { type: 'boolean' },
          refill_requested: { type: 'boolean' },
          pharmacy: { type: 'string' },
          changes_reported: { type: 'array', items: { type: 'string' } },
          stopped_reason: { type: 'string' },
          serious_reaction_reported: { type: 'boolean' },
        },
        required: ['identity_verified', 'refill_requested'],
      },
    },
  },
]);
