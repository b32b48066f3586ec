import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../../testing/db.js';
import { startTestPlatform, type TestPlatform } from '../../testing/platform.js';

describe.each(testBackends())('contacts and lists: tenant isolation and modes on %s', (backend) => {
  let t: TestPlatform;
  let a: { testKey: string; liveKey: string };
  let b: { testKey: string; liveKey: string };

  beforeAll(async () => {
    t = await startTestPlatform(backend);
    a = await t.createTenant('Tenant A');
    b = await t.createTenant('Tenant B');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 404 to another tenant's contact and list on every route, and changes nothing", async () => {
    const list = (
      await t.request({ method: 'POST', url: '/v1/contact-lists', key: a.testKey, payload: { name: 'Private' } })
    ).json();
    const contact = (
      await t.request({
        method: 'POST',
        url: '/v1/contacts',
        key: a.testKey,
        payload: { phone: '+12065550100', name: 'Secret Name', list_ids: [list.id] },
      })
    ).json();

    for (const key of [b.testKey, b.liveKey]) {
      const responses = [
        await t.request({ method: 'GET', url: `/v1/contacts/${contact.id}`, key }),
        await t.request({ method: 'PATCH', url: `/v1/contacts/${contact.id}`, key, payload: { name: 'Hijacked' } }),
        await t.request({ method: 'DELETE', url: `/v1/contacts/${contact.id}`, key }),
        await t.request({ method: 'GET', url: `/v1/contact-lists/${list.id}`, key }),
        await t.request({ method: 'PATCH', url: `/v1/contact-lists/${list.id}`, key, payload: { name: 'Hijacked' } }),
        await t.request({ method: 'DELETE', url: `/v1/contact-lists/${list.id}`, key }),
        await t.request({ method: 'GET', url: `/v1/contact-lists/${list.id}/contacts`, key }),
      ];
      for (const res of responses) {
        expect(res.statusCode, res.body).toBe(404);
        expect(res.body).not.toContain('Secret Name');
      }
      // Their list cannot be joined, filtered on or written into either.
      const join = await t.request({
        method: 'POST',
        url: '/v1/contacts',
        key,
        payload: { phone: '+12065550101', list_ids: [list.id] },
      });
      expect(join.statusCode).toBe(400);
      const filtered = await t.request({ method: 'GET', url: `/v1/contacts?list_id=${list.id}`, key });
      expect(filtered.json().data).toEqual([]);
      const byPhone = await t.request({ method: 'GET', url: '/v1/contacts?phone=%2B12065550100', key });
      expect(byPhone.json().data).toEqual([]);
    }

    // The same number is a separate contact in another tenant: no 409 across tenants.
    const theirs = await t.request({
      method: 'POST',
      url: '/v1/contacts',
      key: b.testKey,
      payload: { phone: '+12065550100' },
    });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(contact.id);

    const mine = await t.request({ method: 'GET', url: `/v1/contacts/${contact.id}`, key: a.liveKey });
    expect(mine.json()).toEqual(contact);
  });

  it('shares contacts and lists between test and live mode (configuration objects)', async () => {
    const made = await t.request({
      method: 'POST',
      url: '/v1/contacts',
      key: a.liveKey,
      payload: { phone: '+12065550110' },
    });
    const seen = await t.request({ method: 'GET', url: `/v1/contacts/${made.json().id}`, key: a.testKey });
    expect(seen.statusCode).toBe(200);
  });
});
