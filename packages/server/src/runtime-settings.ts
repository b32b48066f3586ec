import { sql } from 'kysely';
import { parseSettings, RUNTIME_SETTINGS, type SettingName, type Settings, settingsSchema } from './config.js';
import type { Database } from './db/connection.js';
import { ConfigError, HttpError } from './errors.js';

const CHANNEL = 'callingscout_settings';

/**
 * The settings in force: environment/file/defaults (loaded once at start) with the operator's
 * run-time changes (`PATCH /v1/config`, stored in `platform_settings`) on top. A change made in
 * one process reaches the others through NOTIFY.
 */
export class RuntimeSettings {
  private overrides: Partial<Record<SettingName, unknown>> = {};
  private effective: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(
    private readonly base: Settings,
    private readonly db: Database,
  ) {
    this.effective = base;
  }

  /** The settings in force now. Cheap: read it on every request rather than caching it. */
  get current(): Settings {
    return this.effective;
  }

  /** Loads stored overrides and follows changes made by other processes. */
  async start(): Promise<void> {
    await this.reload();
    await this.db.listen(CHANNEL, () => {
      this.reload().catch(() => {});
    });
  }

  onChange(listener: (settings: Settings) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Applies an operator's change: `null` removes an override. Validates the result as a whole
   * before anything is stored; answers 400 naming a setting that cannot change at run time.
   */
  async patch(changes: Record<string, unknown>): Promise<Settings> {
    const errors = Object.keys(changes)
      .filter((name) => !RUNTIME_SETTINGS.has(name as SettingName))
      .map((name) => ({
        path: name,
        message: (settingsSchema.shape as Record<string, unknown>)[name]
          ? 'cannot change at run time: set it in the environment and restart'
          : 'unknown setting',
      }));
    if (errors.length) {
      throw new HttpError(
        400,
        'validation_error',
        `Cannot change ${errors.map((e) => e.path).join(', ')} at run time.`,
        {
          errors,
        },
      );
    }
    const next = { ...this.overrides };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete next[name as SettingName];
      else next[name as SettingName] = value;
    }
    let merged: Settings;
    try {
      merged = parseSettings({ ...this.base, ...next }, 'the request');
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new HttpError(400, 'validation_error', err.message, {
        errors: [{ path: err.setting ?? '', message: err.reason ?? err.message }],
      });
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const [name, value] of Object.entries(changes)) {
        if (value === null) {
          await trx.deleteFrom('platform_settings').where('name', '=', name).execute();
        } else {
          await trx
            .insertInto('platform_settings')
            .values({ name, value: JSON.stringify(value) })
            .onConflict((oc) => oc.column('name').doUpdateSet({ value: JSON.stringify(value), updated_at: new Date() }))
            .execute();
        }
      }
    });
    this.apply(next, merged);
    await sql`SELECT pg_notify(${CHANNEL}, '')`.execute(this.db.kysely);
    return merged;
  }

  private async reload(): Promise<void> {
    const rows = await this.db.kysely.selectFrom('platform_settings').select(['name', 'value']).execute();
    const next: Partial<Record<SettingName, unknown>> = {};
    for (const row of rows) next[row.name as SettingName] = row.value;
    this.apply(next, parseSettings({ ...this.base, ...next }, 'stored settings'));
  }

  private apply(overrides: Partial<Record<SettingName, unknown>>, merged: Settings): void {
    this.overrides = overrides;
    this.effective = merged;
    for (const listener of this.listeners) listener(merged);
  }
}
