import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, maskedSettings } from './config.js';

describe('configuration', () => {
  it('uses the defaults of operations.md when nothing is set', () => {
    const s = loadConfig({ env: {} });
    expect(s).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8788,
      CALLINGSCOUT_DATA_DIR: './data',
      CALLINGSCOUT_ROLE: 'all',
      CALLINGSCOUT_SANDBOX_CLOCK: 'realtime',
      ALLOW_SIGNUP: false,
      LOG_LEVEL: 'info',
      CALLINGSCOUT_RATE_LIMITS: {},
    });
    expect(s.DATABASE_URL).toBeUndefined();
  });

  it('takes the environment over the file over the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-config-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ PORT: 9000, LOG_LEVEL: 'debug', CALLINGSCOUT_RATE_LIMITS: { dial: 5 } }));
    const s = loadConfig({ env: { CALLINGSCOUT_CONFIG: file, PORT: '9100' } });
    expect(s.PORT).toBe(9100);
    expect(s.LOG_LEVEL).toBe('debug');
    expect(s.CALLINGSCOUT_RATE_LIMITS).toEqual({ dial: 5 });
  });

  it('parses CALLINGSCOUT_RATE_LIMITS as class=per_minute pairs', () => {
    expect(
      loadConfig({ env: { CALLINGSCOUT_RATE_LIMITS: 'default=600, dial=60,bulk=10' } }).CALLINGSCOUT_RATE_LIMITS,
    ).toEqual({
      default: 600,
      dial: 60,
      bulk: 10,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty"/],
    [{ CALLINGSCOUT_ROLE: 'boss' }, /CALLINGSCOUT_ROLE/],
    [{ CALLINGSCOUT_RATE_LIMITS: 'default=fast' }, /default: must be a whole number/],
    [
      { CALLINGSCOUT_RATE_LIMITS: 'dail=5' },
      /CALLINGSCOUT_RATE_LIMITS="dail=5" .*dail: not an endpoint class: use default, dial/,
    ],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL=\*\*\*\* .*postgres/],
    [{ ALLOW_SIGNUP: 'maybe' }, /ALLOW_SIGNUP/],
    [{ CALLINGSCOUT_DATADIR: './x' }, /Unknown setting CALLINGSCOUT_DATADIR/],
  ])('stops on %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('stops on an unknown key or bad JSON in the file, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-config-'));
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ PROT: 1 }));
    expect(() => loadConfig({ env: {}, file: unknown })).toThrow(/Unknown setting PROT/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{');
    expect(() => loadConfig({ env: {}, file: broken })).toThrow(/Cannot read the configuration file/);
  });

  it('masks secrets when read back', () => {
    const s = loadConfig({
      env: { ADMIN_TOKEN: 'a'.repeat(20), OPENAI_API_KEY: 'sk-abc', DATABASE_URL: 'postgres://u:p@h/d' },
    });
    const masked = maskedSettings(s);
    expect(masked).toMatchObject({ ADMIN_TOKEN: '****', OPENAI_API_KEY: '****', DATABASE_URL: '****', PORT: 8788 });
    expect(JSON.stringify(masked)).not.toContain('sk-abc');
    expect(masked.DEEPGRAM_API_KEY).toBeNull();
  });
});
