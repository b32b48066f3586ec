import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTING_NAMES } from './config.js';
import { freePort } from './testing/net.js';

/**
 * Black box: starts the server exactly as the README says (`npm start` in the repo root, nothing
 * configured but a fresh data directory and a free port), then runs the README's curl walkthrough
 * with fetch, request for request and in the same order. Stops it with SIGTERM, starts it again
 * on the same data directory and checks that nothing was lost and no new keys were made.
 *
 * Linux only (it finds the server process under `npm start` through /proc).
 */

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** Variables that would make the server anything but the embedded default. */
const REMOVED_VARS = new Set<string>([
  'DATABASE_URL',
  'REDIS_URL',
  'ADMIN_TOKEN',
  'CALLINGSCOUT_CONFIG',
  ...SETTING_NAMES,
]);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Server {
  child: ChildProcess;
  /** Process group id (= the pid of `npm start`, spawned detached). */
  pgid: number;
  base: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
  hasExited: () => boolean;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of any shape, checked with expect
  body: any;
}

const started: Server[] = [];

/** The user's environment, minus every setting: the server runs on its defaults. */
function userEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (REMOVED_VARS.has(name) || name.startsWith('CALLINGSCOUT_')) continue;
    // What npm sets for the npm/npx that runs vitest; a user's shell does not have these.
    if (/^npm_/i.test(name)) continue;
    env[name] = value;
  }
  env.CALLINGSCOUT_DATA_DIR = dataDir;
  env.PORT = String(port);
  return env;
}

function startServer(dataDir: string, port: number): Server {
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: userEnv(dataDir, port),
    // Its own process group: `npm start` runs sh → npm → sh → node, and afterAll kills them all.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let done = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error('could not spawn npm');
  const server: Server = {
    child,
    pgid: child.pid,
    base: `http://127.0.0.1:${port}`,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => done,
  };
  started.push(server);
  return server;
}

const tail = (text: string, lines = 30) => text.split('\n').slice(-lines).join('\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /v1/health until it answers 200; fails at once if the process exits. */
async function waitUntilReady(server: Server): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new Error(
        `npm start exited (code ${code}, signal ${signal}) before listening.\nstdout:\n${tail(server.stdout())}\nstderr:\n${tail(server.stderr())}`,
      );
    }
    try {
      const res = await fetch(`${server.base}/v1/health`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(
    `not listening after ${START_TIMEOUT_MS / 1000} s.\nstdout:\n${tail(server.stdout())}\nstderr:\n${tail(server.stderr())}`,
  );
}

/** The node process that `npm start` runs, found in the process group through /proc. */
function serverProcessPid(server: Server): number {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp …": comm may hold spaces, so count from its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== server.pgid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/(^|\/)node$/.test(argv[0] ?? '') && argv.some((a) => a.endsWith('src/main.ts'))) found.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  if (found.length !== 1) throw new Error(`expected one server process under npm start, found ${found.length}`);
  return found[0] as number;
}

/** SIGTERM to the server, as a process manager would send it; resolves to how `npm start` ended. */
async function stopServer(server: Server): Promise<Exit> {
  process.kill(serverProcessPid(server), 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM.\nstdout:\n${tail(server.stdout())}`),
        ),
      STOP_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function killGroup(server: Server): void {
  try {
    process.kill(-server.pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function api(
  server: Server,
  method: string,
  path: string,
  options: { key?: string; body?: unknown } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.base + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('black box: npm start and the README walkthrough', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: Server;
  let testKey: string;
  let liveKey: string;
  let tenantId: string;
  let agentId: string;
  let revokedKey: string;

  beforeAll(() => {
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).name).toBe('callingscout');
    dataDir = mkdtempSync(join(tmpdir(), 'callingscout-blackbox-'));
  });

  afterAll(async () => {
    for (const s of started) killGroup(s);
    await Promise.all(started.map((s) => Promise.race([s.exited, sleep(5_000)])));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with npm start on an empty data directory and prints the keys once', async () => {
    server = startServer(dataDir, await freePort());
    await waitUntilReady(server);
    const out = server.stdout();
    expect(out).toMatch(/is listening/);

    const test = /test mode: (sk_test_[A-Za-z0-9_-]+)/.exec(out)?.[1];
    const live = /live mode: (sk_live_[A-Za-z0-9_-]+)/.exec(out)?.[1];
    expect(test, `no sk_test_ key in stdout:\n${tail(out)}`).toBeDefined();
    expect(live, `no sk_live_ key in stdout:\n${tail(out)}`).toBeDefined();
    testKey = test as string;
    liveKey = live as string;
    // Once: not repeated, not in any log line, not on stderr.
    expect(count(out, testKey)).toBe(1);
    expect(count(out, liveKey)).toBe(1);
    expect(server.stderr()).not.toContain('sk_test_');
    expect(server.stderr()).not.toContain('sk_live_');

    const file = join(dataDir, 'bootstrap-keys.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ test_key: testKey, live_key: liveKey, tenant_id: expect.stringMatching(/^ten_/) });
    tenantId = saved.tenant_id;
  });

  it('GET /v1/health answers without a key', async () => {
    const res = await api(server, 'GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('GET /v1/me shows the default account in test mode', async () => {
    const res = await api(server, 'GET', '/v1/me', { key: testKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: tenantId, object: 'tenant', livemode: false });
    expect(res.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect(res.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('POST /v1/agents creates an agent with the offline defaults', async () => {
    const res = await api(server, 'POST', '/v1/agents', {
      key: testKey,
      body: {
        name: 'Front desk',
        system_prompt: 'You answer calls for Acme Dental. Be brief.',
        first_message: 'Hello, Acme Dental, how can I help?',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^agt_/),
      object: 'agent',
      name: 'Front desk',
      pipeline: 'cascaded',
      stt: { provider: 'sandbox' },
      llm: { provider: 'scripted' },
      tts: { provider: 'espeak' },
      first_message: 'Hello, Acme Dental, how can I help?',
      max_duration_sec: 600,
      is_active: true,
    });
    agentId = res.body.id;
  });

  it('GET /v1/agents lists it', async () => {
    const res = await api(server, 'GET', '/v1/agents', { key: testKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([agentId]);
  });

  it('GET /v1/agents/{id} returns it', async () => {
    const res = await api(server, 'GET', `/v1/agents/${agentId}`, { key: testKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: agentId, object: 'agent', name: 'Front desk' });
  });

  it('PATCH /v1/agents/{id} changes only what it sends', async () => {
    const res = await api(server, 'PATCH', `/v1/agents/${agentId}`, {
      key: testKey,
      body: { max_duration_sec: 300, calling_hours: { start: '09:00', end: '17:00' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: agentId,
      name: 'Front desk',
      max_duration_sec: 300,
      calling_hours: { start: '09:00', end: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    });
  });

  it('answers invalid input with 400 and one entry per field', async () => {
    const res = await api(server, 'POST', '/v1/agents', { key: testKey, body: { name: '', max_duration_sec: 5 } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_error', detail: expect.any(String) });
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['max_duration_sec', 'name']);
  });

  it('serves the same handlers under /api/v1', async () => {
    const res = await api(server, 'GET', `/api/v1/agents/${agentId}`, { key: testKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: agentId, max_duration_sec: 300 });
  });

  it('creates an API key, and a revoked key gets 401 on the next request', async () => {
    const created = await api(server, 'POST', '/v1/auth/api-keys', {
      key: testKey,
      body: { name: 'ci', scopes: ['agents:read'] },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^key_/),
      object: 'api_key',
      name: 'ci',
      mode: 'test',
      scopes: ['agents:read'],
      secret: expect.stringMatching(/^sk_test_/),
      revoked_at: null,
    });
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret.startsWith(created.body.prefix)).toBe(true);

    expect((await api(server, 'GET', '/v1/agents', { key: secret })).status).toBe(200);

    const revoked = await api(server, 'DELETE', `/v1/auth/api-keys/${id}`, { key: testKey });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({ id, revoked_at: expect.any(String) });
    expect(revoked.body).not.toHaveProperty('secret');

    const refused = await api(server, 'GET', '/v1/agents', { key: secret });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'invalid_api_key', detail: expect.any(String) });
    revokedKey = secret;
  });

  it('GET /v1/openapi.json is an OpenAPI 3.1 document with /v1/agents', async () => {
    const res = await api(server, 'GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(res.body.paths).toHaveProperty(['/v1/agents']);
    expect(res.body.paths['/v1/agents']).toHaveProperty('post');
  });

  it('GET /docs answers with an HTML page', async () => {
    const res = await api(server, 'GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toMatch(/<html/i);
  });

  it('stops on SIGTERM with exit code 0 within 10 s', async () => {
    const exit = await stopServer(server);
    expect(exit, `stdout:\n${tail(server.stdout())}\nstderr:\n${tail(server.stderr())}`).toEqual({
      code: 0,
      signal: null,
    });
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
  });

  it('starts again on the same data directory: no new keys, and nothing lost', async () => {
    const file = join(dataDir, 'bootstrap-keys.json');
    const before = readFileSync(file, 'utf8');

    server = startServer(dataDir, await freePort());
    await waitUntilReady(server);
    expect(server.stdout()).toMatch(/is listening/);
    expect(server.stdout()).not.toContain('sk_test_');
    expect(server.stdout()).not.toContain('sk_live_');
    expect(readFileSync(file, 'utf8')).toBe(before);

    const me = await api(server, 'GET', '/v1/me', { key: testKey });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: tenantId });
    expect((await api(server, 'GET', '/v1/me', { key: liveKey })).body).toMatchObject({ id: tenantId, livemode: true });

    const agent = await api(server, 'GET', `/v1/agents/${agentId}`, { key: testKey });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ id: agentId, name: 'Front desk', max_duration_sec: 300 });

    expect((await api(server, 'GET', '/v1/agents', { key: revokedKey })).status).toBe(401);

    const exit = await stopServer(server);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
