import type { LabelledObjective } from './classifier.fixtures.js';

/**
 * Held-out round 4 (2026-11-23): 54 objectives, six per playbook, written and labelled from the
 * playbook descriptions in builtin.ts BEFORE the statistical model was built, and classified
 * once, after it was final. Nobody tuned anything on them: a change made after reading these
 * turns them into dev objectives (fold them into DEV_OBJECTIVES and write a new round).
 *
 * Labelling conventions, the same as dev: an appointment with a service provider (dentist,
 * mechanic, plumber) is scheduling; a table, room, rental, ticket or class spot is a reservation;
 * asking for a fee to be dropped is negotiation, disputing a charge that is wrong is a complaint;
 * telling or asking someone something with no playbook-shaped goal is general.
 */
export const HELD_OUT_V2: LabelledObjective[] = [
  {
    objective: 'Reserve a double room at the Marriott in Portland for Nov 28-30, non-smoking',
    playbook: 'platform.reservation',
  },
  { objective: "book table 2ppl 8pm tmrw at Lucia's", playbook: 'platform.reservation' },
  {
    objective: 'Call Pedal Haus and rent two e-bikes for Saturday morning, about four hours',
    playbook: 'platform.reservation',
  },
  {
    objective: 'Change our hotel booking at the Ace from two nights to three, confirmation number 88213',
    playbook: 'platform.reservation',
  },
  {
    objective: 'Cancel the private dining room we have at Osteria Mozza for the 12th',
    playbook: 'platform.reservation',
  },
  {
    objective: 'Get the kids into the 10am swim lesson at the Y on Sunday, 2 spots under Garcia',
    playbook: 'platform.reservation',
  },
  { objective: 'how much for a full detail on a minivan', playbook: 'platform.price_inquiry' },
  {
    objective: "Find out if they have the 2019 Civic in stock and what they're asking for it",
    playbook: 'platform.price_inquiry',
  },
  {
    objective:
      'Call the kennel and ask what boarding a 60 lb dog costs for 10 days over Christmas, including any holiday surcharge',
    playbook: 'platform.price_inquiry',
  },
  {
    objective: 'Get a quote from Apex Roofing for replacing about 2,000 sq ft of asphalt shingles',
    playbook: 'platform.price_inquiry',
  },
  { objective: 'What does the daycare on Elm charge for three days a week?', playbook: 'platform.price_inquiry' },
  {
    objective: "Ask the florist what they'd want for 12 centerpieces and a bridal bouquet, delivered on May 3",
    playbook: 'platform.price_inquiry',
  },
  {
    objective: "Call Verizon and try to get my bill under $70 a month, I've been with them 9 years",
    playbook: 'platform.negotiation',
  },
  {
    objective: "The seller is asking $14,500 for the Tacoma, see if they'll take $13k, don't go over $13,800",
    playbook: 'platform.negotiation',
  },
  {
    objective: "ask the landlord if he'd accept a 6 month lease at the same rent instead of 12",
    playbook: 'platform.negotiation',
  },
  {
    objective: "Get SiriusXM to give me the $5/month promo rate again or I'm cancelling",
    playbook: 'platform.negotiation',
  },
  {
    objective: 'Work out a lower price with the caterer, their quote was $4,200 and our ceiling is $3,500',
    playbook: 'platform.negotiation',
  },
  {
    objective: 'See if the gym will freeze my membership for free for 2 months instead of charging the $15 freeze fee',
    playbook: 'platform.negotiation',
  },
  {
    objective: 'Call the county recorder and find out how to get a certified copy of a deed and how long it takes',
    playbook: 'platform.information_gather',
  },
  {
    objective: 'Ask the 5 venues on the sheet: max capacity, AV included?, parking, earliest load-in time',
    playbook: 'platform.information_gather',
  },
  {
    objective: "Confirm with Dr. Lee's office that they're in network with Aetna PPO",
    playbook: 'platform.information_gather',
  },
  {
    objective: 'Check references for Maria Gonzalez, ask her previous manager about reliability and why she left',
    playbook: 'platform.information_gather',
  },
  {
    objective:
      'Do a quick satisfaction survey with customers who bought in October: 1-10 rating, would they recommend us',
    playbook: 'platform.information_gather',
  },
  {
    objective: 'find out if the DMV on 5th takes walk-ins and what ID I need to bring',
    playbook: 'platform.information_gather',
  },
  { objective: 'call the dentist and move my cleaning to next week', playbook: 'platform.scheduling' },
  {
    objective: 'Set up a 45 min interview with Priya Shah for the backend role, any afternoon Mon-Wed, Pacific time',
    playbook: 'platform.scheduling',
  },
  {
    objective: "Get the plumber to come look at the leaking water heater, I'm home Thursday after 2",
    playbook: 'platform.scheduling',
  },
  {
    objective: "Find a slot for a quarterly review with Acme's procurement team before Dec 15",
    playbook: 'platform.scheduling',
  },
  { objective: 'Book my car in for its 30k mile service next week, mornings only', playbook: 'platform.scheduling' },
  {
    objective: 'Agree a delivery date with IKEA for the wardrobe, weekends preferred',
    playbook: 'platform.scheduling',
  },
  {
    objective:
      "Call the 30 HVAC companies on this list and see if they'd want to try our dispatch software free for a month",
    playbook: 'platform.cold_outreach',
  },
  {
    objective: 'introduce Brightline Staffing to hiring managers at local warehouses',
    playbook: 'platform.cold_outreach',
  },
  {
    objective: "Reach wedding planners in Napa who haven't worked with us and offer a tasting of our catering",
    playbook: 'platform.cold_outreach',
  },
  {
    objective: "Call dentists in Tucson and ask if they'd be open to a 15-minute demo of our x-ray AI",
    playbook: 'platform.cold_outreach',
  },
  {
    objective: 'Let local coffee shops know we roast beans wholesale and offer to drop off samples',
    playbook: 'platform.cold_outreach',
  },
  {
    objective: 'Contact school principals in the district to offer our free anti-bullying workshop',
    playbook: 'platform.cold_outreach',
  },
  {
    objective: "My new dishwasher leaks and Home Depot won't take it back, escalate",
    playbook: 'platform.complaint',
  },
  {
    objective: 'The airline lost my suitcase on UA 1482 five days ago and nobody can tell me where it is',
    playbook: 'platform.complaint',
  },
  {
    objective: 'Got charged a $35 overdraft fee even though the deposit cleared first, want it reversed',
    playbook: 'platform.complaint',
  },
  {
    objective: "Tell the HOA the pool gate has been broken for a month and it's a safety hazard",
    playbook: 'platform.complaint',
  },
  {
    objective:
      'The technician they sent tracked mud through the house and left without finishing, I want a partial refund',
    playbook: 'platform.complaint',
  },
  {
    objective: 'Food delivery came cold and missing half the order, call DoorDash support',
    playbook: 'platform.complaint',
  },
  {
    objective: 'Did the insurance adjuster ever send the report? Call and find out',
    playbook: 'platform.follow_up',
  },
  {
    objective: 'Check in with Dana at Northwind about the proposal we emailed on the 4th',
    playbook: 'platform.follow_up',
  },
  { objective: 'see where my passport renewal is, applied Sept 2', playbook: 'platform.follow_up' },
  {
    objective: 'Ask the body shop whether my car will be ready Friday like they said',
    playbook: 'platform.follow_up',
  },
  { objective: 'We interviewed with Acme last Tuesday, nudge them for a decision', playbook: 'platform.follow_up' },
  {
    objective: 'Ask the accountant how the amended return he promised by Monday is coming along',
    playbook: 'platform.follow_up',
  },
  { objective: "Tell mom I'll be late for dinner, around 7:30", playbook: 'platform.general' },
  {
    objective: 'Call the school office and let them know Ethan is home sick today',
    playbook: 'platform.general',
  },
  { objective: 'Thank Mrs. Okafor for the lovely flowers she sent', playbook: 'platform.general' },
  { objective: 'Let the caterer know the headcount is now 52', playbook: 'platform.general' },
  {
    objective: 'Call Jake and ask him to bring the folding chairs to the party on Saturday',
    playbook: 'platform.general',
  },
  { objective: 'Wish Tom luck on his surgery tomorrow', playbook: 'platform.general' },
];
