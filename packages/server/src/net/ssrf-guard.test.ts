import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assertLiteralAllowed, guardedLookup, isPrivateAddress, SsrfBlockedError } from './ssrf-guard.js';

describe('ssrf guard', () => {
  it('refuses loopback, private, link-local, metadata and mapped addresses and lets public ones through', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['::1', 'fe80::1', 'fd00::5', '::ffff:127.0.0.1']) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses an IP-literal URL unless private addresses are allowed', () => {
    expect(() => assertLiteralAllowed(new URL('http://127.0.0.1:8080/x'))).toThrow(SsrfBlockedError);
    expect(() => assertLiteralAllowed(new URL('http://[::1]/x'))).toThrow(SsrfBlockedError);
    expect(() => assertLiteralAllowed(new URL('http://127.0.0.1/x'), { allowPrivate: true })).not.toThrow();
  });

  it('fails a connection whose name resolves to loopback, before any byte is sent', async () => {
    const error = await new Promise<Error>((resolve) => {
      const req = request('http://localhost:9/', { lookup: guardedLookup() }, () => resolve(new Error('connected')));
      req.on('error', resolve);
      req.end();
    });
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error.message).toMatch(/localhost/);
  });
});
