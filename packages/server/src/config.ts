import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Configuration: environment → optional JSON file (`CALLINGSCOUT_CONFIG`) → defaults, validated
 * once with zod. The file uses the same names as the environment (`{"PORT": 8788}`), so there is
 * one vocabulary. An unknown key in the file, an unknown `CALLINGSCOUT_*` variable, or a value that
 * does not parse stops start-up with a message that names it.
 */

export const ENDPOINT_CLASSES = ['default', 'dial', 'bulk', 'campaign-dispatch'] as const;
export type EndpointClass = (typeof ENDPOINT_CLASSES)[number];
export type RateLimitTable = Partial<Record<EndpointClass, number>>;

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/** `default=600,dial=60` → `{default: 600, dial: 60}`; an object is accepted from the file. */
export const rateLimitTable = z.preprocess(
  (value) => (typeof value === 'string' ? parseRateLimitPairs(value) : value),
  z
    .record(z.string(), z.number({ error: 'must be a whole number of requests per minute' }).int().positive())
    .superRefine((table, ctx) => {
      for (const name of Object.keys(table)) {
        if (!ENDPOINT_CLASSES.includes(name as EndpointClass)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `not an endpoint class: use ${ENDPOINT_CLASSES.join(', ')}`,
          });
        }
      }
    })
    .transform((table) => table as RateLimitTable),
);

function parseRateLimitPairs(text: string): unknown {
  const out: Record<string, unknown> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', value] = part.split('=').map((s) => s.trim());
    out[name] = value === undefined || value === '' || Number.isNaN(Number(value)) ? value : Number(value);
  }
  return out;
}

const optionalSecret = z.string().min(1).optional();

/** Every setting: its environment name, schema and default. Keys are the environment names. */
export const settingsSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8788),
  CALLINGSCOUT_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  CALLINGSCOUT_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  CALLINGSCOUT_SANDBOX_CLOCK: z.enum(['realtime', 'fast']).default('realtime'),
  ALLOW_SIGNUP: bool.default(false),
  CALLINGSCOUT_RATE_LIMITS: rateLimitTable.default({}),
  CALLINGSCOUT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  CALLINGSCOUT_SHUTDOWN_GRACE_SEC: z.coerce.number().min(0).max(3600).default(30),
  CALLINGSCOUT_ALLOW_PRIVATE_URLS: bool.default(false),
  CALLINGSCOUT_BOOTSTRAP: bool.default(true),
  /** Webhook deliveries sent at once by one process (events/delivery). */
  CALLINGSCOUT_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(200),
  /** Attempts in flight to one receiver (subscription or URL) per process, so a slow one cannot take every slot. */
  CALLINGSCOUT_WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(50),
  /** A receiver that has not answered within this is a failed attempt (Standard Webhooks: 2xx within 10 s). */
  CALLINGSCOUT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(10_000),
  /** Seconds between webhook attempts after the first (protocols.md); tests shorten it. */
  CALLINGSCOUT_WEBHOOK_RETRY_SCHEDULE: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((p) => Number(p.trim())) : v),
      z.array(z.number().positive('must be positive seconds')).min(1).max(30),
    )
    .default([5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400]),
  /** How often idle job queues look for due work besides NOTIFY wake-ups. */
  CALLINGSCOUT_JOB_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(1000),
  /** A live stream whose unsent data passes this is disconnected (slow consumer). */
  CALLINGSCOUT_STREAM_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  CALLINGSCOUT_STREAM_HEARTBEAT_SEC: z.coerce.number().min(0.05).max(300).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Encrypts tenants' own provider keys at rest (AES-256-GCM, providers/keys): 32 random bytes as
   * base64 or 64 hex digits (`openssl rand -base64 32`). Without it, provider-key endpoints answer 503.
   */
  CALLINGSCOUT_SECRETS_KEY: z
    .string()
    .refine(
      (v) => (/^[0-9a-f]{64}$/i.test(v) ? true : Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/=]+$/.test(v)),
      'must be 32 bytes as base64 or 64 hex digits (openssl rand -base64 32)',
    )
    .optional(),
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: z.url().optional(),
  DEEPGRAM_API_KEY: optionalSecret,
  ELEVENLABS_API_KEY: optionalSecret,
  TWILIO_ACCOUNT_SID: optionalSecret,
  TWILIO_AUTH_TOKEN: optionalSecret,
  TELNYX_API_KEY: optionalSecret,
  TELNYX_PUBLIC_KEY: optionalSecret,
  SIP_TRUNK_URI: z.string().min(1).optional(),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof Settings;
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as SettingName[];

/** Settings that are secrets: read back as `****`, never logged. */
export const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set<SettingName>([
  'ADMIN_TOKEN',
  'CALLINGSCOUT_SECRETS_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'OPENAI_API_KEY',
  'DEEPGRAM_API_KEY',
  'ELEVENLABS_API_KEY',
  'TWILIO_AUTH_TOKEN',
  'TELNYX_API_KEY',
]);

/** Settings an operator may change at run time with `PATCH /v1/config` (stored in the database). */
export const RUNTIME_SETTINGS: ReadonlySet<SettingName> = new Set<SettingName>([
  'ALLOW_SIGNUP',
  'CALLINGSCOUT_RATE_LIMITS',
  'LOG_LEVEL',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'DEEPGRAM_API_KEY',
  'ELEVENLABS_API_KEY',
]);

/** Variables with our prefix that are read elsewhere, not settings. */
const NON_SETTING_VARS = new Set(['CALLINGSCOUT_CONFIG']);

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON file; defaults to `env.CALLINGSCOUT_CONFIG`. */
  file?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Settings {
  const env = options.env ?? process.env;
  const file = options.file ?? env.CALLINGSCOUT_CONFIG;
  const fromFile = file ? readConfigFile(file) : {};

  for (const name of Object.keys(env)) {
    if (
      name.startsWith('CALLINGSCOUT_') &&
      !NON_SETTING_VARS.has(name) &&
      !SETTING_NAMES.includes(name as SettingName)
    ) {
      throw new ConfigError(
        `Unknown setting ${name} in the environment. Known CALLINGSCOUT_* settings: ${SETTING_NAMES.filter((n) => n.startsWith('CALLINGSCOUT_')).join(', ')}.`,
      );
    }
  }

  const merged: Record<string, unknown> = { ...fromFile };
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') merged[name] = value;
  }
  return parseSettings(merged, file ? `the environment or ${file}` : 'the environment');
}

/** Validates a complete or partial settings object, naming the first bad key in the error. */
export function parseSettings(input: Record<string, unknown>, source: string): Settings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const [first, ...rest] = issue?.path ?? [];
    const key = first === undefined ? '(settings)' : String(first);
    const value = SECRET_SETTINGS.has(key as SettingName) ? '****' : JSON.stringify(input[key]);
    const reason = `${rest.length ? `${rest.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`;
    throw new ConfigError(`Invalid setting ${key}=${value} in ${source}: ${reason}.`, { setting: key, reason });
  }
  return result.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      `Cannot read the configuration file ${path} (CALLINGSCOUT_CONFIG): ${(err as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`The configuration file ${path} must hold a JSON object of settings.`);
  }
  for (const key of Object.keys(parsed)) {
    if (!SETTING_NAMES.includes(key as SettingName)) {
      throw new ConfigError(`Unknown setting ${key} in ${path}. Known settings: ${SETTING_NAMES.join(', ')}.`);
    }
  }
  return parsed as Record<string, unknown>;
}

/** The settings as an operator may read them: secrets masked as `****`. */
export function maskedSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = settings[name];
    out[name] = value !== undefined && SECRET_SETTINGS.has(name) ? '****' : (value ?? null);
  }
  return out;
}
