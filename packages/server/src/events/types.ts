/**
 * The event vocabulary (api.md, "Webhooks and events"). Three kinds:
 *
 * - webhook types: stored in history, delivered to subscriptions (the 15 of the spec) and
 *   streamed;
 * - history-only types: stored and streamed, never delivered to a subscription that did not ask
 *   for them by name (`agent.created`, `agent.deleted` are not in the spec's list; `webhook.test`
 *   goes only to the subscription being tested);
 * - live-only types: streamed, never stored nor delivered (publishLiveEvent).
 */
export const WEBHOOK_EVENT_TYPES = [
  'call.queued',
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.retry_scheduled',
  'call.exhausted',
  'call.transcript.ready',
  'call.recording.ready',
  'call.analysis.ready',
  'call.dnc_requested',
  'campaign.started',
  'campaign.contact.completed',
  'campaign.completed',
  'agent.updated',
  'usage.balance_low',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const HISTORY_ONLY_EVENT_TYPES = ['agent.created', 'agent.deleted', 'webhook.test'] as const;

export const LIVE_ONLY_EVENT_TYPES = [
  'transcript.partial',
  'transcript.final',
  'agent.speech.started',
  'agent.speech.finished',
  'interruption',
  'turn.latency',
  'tool.called',
] as const;
export type LiveOnlyEventType = (typeof LIVE_ONLY_EVENT_TYPES)[number];

export type StoredEventType = WebhookEventType | (typeof HISTORY_ONLY_EVENT_TYPES)[number];
export type EventType = StoredEventType | LiveOnlyEventType;

export const ALL_EVENT_TYPES: readonly EventType[] = [
  ...WEBHOOK_EVENT_TYPES,
  ...HISTORY_ONLY_EVENT_TYPES,
  ...LIVE_ONLY_EVENT_TYPES,
];

const webhookTypes: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);
export const isWebhookEventType = (type: string): type is WebhookEventType => webhookTypes.has(type);

/** What an emitter says about an event; the bus adds id and time. */
export interface EventInput<T extends string = StoredEventType> {
  tenantId: string;
  livemode: boolean;
  type: T;
  /** The object as it is now (a snapshot), as the API would render it. */
  data: unknown;
  /** Filter columns: the call, campaign and batch the event is about, when any. */
  callId?: string | null | undefined;
  campaignId?: string | null | undefined;
  batchId?: string | null | undefined;
}

/** An event as streams receive it: routing fields plus its JSON text, rendered once. */
export interface BusEvent {
  id: string;
  tenantId: string;
  livemode: boolean;
  type: string;
  callId: string | null;
  campaignId: string | null;
  batchId: string | null;
  /** `{"id":…,"object":"event","type":…,"created_at":…,"livemode":…,"data":{…}}` */
  json: string;
}

/** The API's JSON of an event; `dataJson` is the snapshot's JSON text, spliced as is. */
export function eventJson(e: {
  id: string;
  type: string;
  createdAt: string;
  livemode: boolean;
  dataJson: string;
}): string {
  return `{"id":${JSON.stringify(e.id)},"object":"event","type":${JSON.stringify(e.type)},"created_at":"${e.createdAt}","livemode":${e.livemode},"data":${e.dataJson}}`;
}
