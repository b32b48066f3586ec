import { describe, expect, it } from 'vitest';
import { NumberCarrierError } from '../numbers.js';
import {
  isSandboxRangeNumber,
  SANDBOX_RANGE_SIZE,
  SandboxNumberCarrier,
  SandboxOutbox,
  sandboxNumber,
} from './numbers.js';

describe('sandbox number carrier', () => {
  it('maps the range onto +1 500 555 1000–9999, skipping 1212, with no gaps or repeats', () => {
    expect(SANDBOX_RANGE_SIZE).toBe(8999);
    expect(sandboxNumber(0)).toBe('+15005551000');
    expect(sandboxNumber(211)).toBe('+15005551211');
    expect(sandboxNumber(212)).toBe('+15005551213');
    expect(sandboxNumber(SANDBOX_RANGE_SIZE - 1)).toBe('+15005559999');
    const all = new Set(Array.from({ length: SANDBOX_RANGE_SIZE }, (_, i) => sandboxNumber(i)));
    expect(all.size).toBe(SANDBOX_RANGE_SIZE);
    expect(all.has('+15005551212')).toBe(false);
    expect([...all].every(isSandboxRangeNumber)).toBe(true);
  });

  it('never hands out a scenario number (+1 500 555 00xx) or directory assistance', () => {
    for (const n of ['+15005550001', '+15005550011', '+15005550099', '+15005551212', '+15005550999']) {
      expect(isSandboxRangeNumber(n), n).toBe(false);
    }
  });

  it('provisions instantly a verified-grade number of the range with attestation A, voice and SMS', async () => {
    const draws: number[] = [];
    const carrier = new SandboxNumberCarrier({
      randomLine: (max) => {
        draws.push(max);
        return 5;
      },
    });
    expect(carrier.livemode).toBe(false);
    const number = await carrier.provision({ country: 'US' });
    expect(number).toEqual({
      phoneNumber: '+15005551005',
      carrierRef: null,
      capabilities: { voice: true, sms: true },
      attestation: 'A',
    });
    expect(draws).toEqual([SANDBOX_RANGE_SIZE]);
    expect((await carrier.provision({ country: 'CA', areaCode: '500' })).phoneNumber).toBe('+15005551005');
  });

  it('draws different numbers by default', async () => {
    const carrier = new SandboxNumberCarrier();
    const numbers = new Set<string>();
    for (let i = 0; i < 50; i++) numbers.add((await carrier.provision({ country: 'US' })).phoneNumber);
    expect(numbers.size).toBeGreaterThan(40);
    expect([...numbers].every(isSandboxRangeNumber)).toBe(true);
  });

  it('refuses a country outside NANP and an area code other than 500, naming the field', async () => {
    const carrier = new SandboxNumberCarrier();
    const country = await carrier.provision({ country: 'GB' }).catch((e: unknown) => e);
    expect(country).toBeInstanceOf(NumberCarrierError);
    expect(country).toMatchObject({ kind: 'invalid_request', field: 'country', carrier: 'sandbox' });
    const area = await carrier.provision({ country: 'US', areaCode: '415' }).catch((e: unknown) => e);
    expect(area).toMatchObject({ kind: 'invalid_request', field: 'area_code' });
    expect((area as Error).message).toContain('500');
  });

  it('delivers a verification code by a "call" into its outbox, the latest per number id', async () => {
    const outbox = new SandboxOutbox();
    let now = 1_700_000_000_000;
    const carrier = new SandboxNumberCarrier({ outbox, now: () => now });
    expect(
      await carrier.startVerification({ phoneNumber: '+14155550123', code: '012345', reference: 'num_a' }),
    ).toEqual({ channel: 'call', attestation: 'A' });
    now += 1000;
    await carrier.startVerification({ phoneNumber: '+14155550123', code: '999999', reference: 'num_a' });
    await carrier.startVerification({ phoneNumber: '+14155550124', code: '111111', reference: 'num_b' });
    const latest = outbox.latest('num_a');
    expect(latest).toMatchObject({ phoneNumber: '+14155550123', code: '999999', channel: 'call', deliveredAt: now });
    expect(latest?.message).toContain('9 9 9 9 9 9');
    expect(outbox.latest('num_b')?.code).toBe('111111');
    expect(outbox.latest('num_c')).toBeUndefined();
  });

  it('keeps the latest 1,000 deliveries', () => {
    const outbox = new SandboxOutbox();
    for (let i = 0; i < 1001; i++) {
      outbox.push({
        reference: `num_${i}`,
        phoneNumber: '+1',
        channel: 'call',
        code: '000000',
        message: '',
        deliveredAt: i,
      });
    }
    expect(outbox.latest('num_0')).toBeUndefined();
    expect(outbox.latest('num_1')?.deliveredAt).toBe(1);
    expect(outbox.latest('num_1000')?.deliveredAt).toBe(1000);
  });

  it('releases as success, also twice', async () => {
    const carrier = new SandboxNumberCarrier();
    const req = { phoneNumber: '+15005551000', carrierRef: null, reference: 'num_x' };
    await expect(carrier.release(req)).resolves.toBeUndefined();
    await expect(carrier.release(req)).resolves.toBeUndefined();
  });
});
