import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (tenants' provider keys). A sealed value is
 * `v1.<base64 of iv (12 bytes) | tag (16 bytes) | ciphertext>`: a fresh random 96-bit IV per
 * seal (NIST SP 800-38D §8.2.2: random IVs are safe for far more than the 2^32 seals a key will
 * see here), the full 128-bit tag. The associated data binds a value to its row (`tenant:provider`),
 * so a ciphertext copied into another tenant's row does not open. `v1` leaves room for rotating
 * to another key or scheme later.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The box for `CALLINGSCOUT_SECRETS_KEY` (32 bytes, base64 or hex; validated by config.ts). */
  static fromSetting(value: string): SecretBox {
    const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (key.length !== 32) throw new Error('CALLINGSCOUT_SECRETS_KEY must be 32 bytes');
    return new SecretBox(key);
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The plaintext, or null when the value was sealed with another key, for another row, or altered. */
  open(sealed: string, associatedData: string): string | null {
    const [version, payload] = sealed.split('.', 2);
    if (version !== VERSION || !payload) return null;
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
