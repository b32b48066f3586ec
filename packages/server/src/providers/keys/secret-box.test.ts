import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../config.js';
import { SecretBox } from './secret-box.js';

const base64Key = randomBytes(32).toString('base64');

describe('SecretBox (AES-256-GCM)', () => {
  it('opens what it sealed, with a fresh IV each time', () => {
    const box = SecretBox.fromSetting(base64Key);
    const a = box.seal('sk-secret', 'ten_1:openai');
    const b = box.seal('sk-secret', 'ten_1:openai');
    expect(a).not.toBe(b);
    expect(box.open(a, 'ten_1:openai')).toBe('sk-secret');
    expect(box.open(b, 'ten_1:openai')).toBe('sk-secret');
  });

  it('refuses another row’s associated data, another key, and any altered byte', () => {
    const box = SecretBox.fromSetting(base64Key);
    const sealed = box.seal('sk-secret', 'ten_1:openai');
    expect(box.open(sealed, 'ten_2:openai')).toBeNull();
    expect(SecretBox.fromSetting(randomBytes(32).toString('hex')).open(sealed, 'ten_1:openai')).toBeNull();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    expect(box.open(`v1.${bytes.toString('base64')}`, 'ten_1:openai')).toBeNull();
    expect(box.open('v2.abc', 'ten_1:openai')).toBeNull();
  });

  it('the setting takes 32 bytes as base64 or hex and names the problem otherwise', () => {
    expect(
      parseSettings({ CALLINGSCOUT_SECRETS_KEY: randomBytes(32).toString('hex') }, 't').CALLINGSCOUT_SECRETS_KEY,
    ).toBeTruthy();
    expect(() => parseSettings({ CALLINGSCOUT_SECRETS_KEY: randomBytes(16).toString('base64') }, 't')).toThrow(
      /CALLINGSCOUT_SECRETS_KEY.*32 bytes/s,
    );
  });
});
