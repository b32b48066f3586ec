import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../testing/platform.js';

/** The SDK, the MCP server and users' generators are built on this document: it must be valid 3.1. */
describe('the OpenAPI document', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform('pglite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const doc = (await t.request({ method: 'GET', url: '/v1/openapi.json' })).json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('gives every authenticated operation its bearer security and the 401 and 400 answers', async () => {
    const doc = (await t.request({ method: 'GET', url: '/v1/openapi.json' })).json();
    const paths = doc.paths as Record<string, Record<string, { security?: unknown; responses: object }>>;
    let checked = 0;
    for (const [path, item] of Object.entries(paths)) {
      if (path === '/v1/health' || path === '/v1/auth/register') continue;
      for (const [method, op] of Object.entries(item)) {
        expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401']));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(14);
  });
});
