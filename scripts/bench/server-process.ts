/**
 * What the HTTP bench measures against: server processes (`node --import tsx
 * packages/server/src/main.ts`, as `npm start` runs it), their PostgreSQL databases and data
 * directories. Everything started here is stopped here, and an exit hook stops what is left if
 * the bench dies on the way. BENCH_LOG_LEVEL and BENCH_CPU_PROF (see http.ts) are read here.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery } from '../../packages/server/src/testing/db.js';
import { freePort } from '../../packages/server/src/testing/net.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_ENTRY = 'packages/server/src/main.ts';
/** Live-mode per-minute limits far above anything a run reaches (test keys get 100× that). */
const RATE_LIMITS = 'default=100000000,dial=100000000,bulk=100000000';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

const liveChildren = new Set<ChildProcess>();
const liveTempDirs = new Set<string>();
let exitHookInstalled = false;

/** Last resort if the bench dies between start and cleanup (an uncaught error, process.exit on a signal). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
    for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function tempDir(prefix: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  liveTempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveTempDirs.delete(dir);
}

export interface ServerProcess {
  pid: number;
  base: string;
  /** RSS and peak RSS of the server process (Linux /proc), undefined elsewhere. */
  memory(): { rssMiB: number; peakMiB: number } | undefined;
  stop(): Promise<void>;
}

export async function startServer(options: {
  dataDir: string;
  databaseUrl: string | undefined;
}): Promise<ServerProcess> {
  installExitHook();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The server refuses unknown CALLINGSCOUT_* variables, and the bench decides every setting it reads.
    if (
      name.startsWith('CALLINGSCOUT_') ||
      ['DATABASE_URL', 'REDIS_URL', 'HOST', 'PORT', 'LOG_LEVEL', 'ADMIN_TOKEN'].includes(name)
    )
      continue;
    env[name] = value;
  }
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(port),
    CALLINGSCOUT_DATA_DIR: options.dataDir,
    CALLINGSCOUT_RATE_LIMITS: RATE_LIMITS,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  });
  const args = ['--import', 'tsx'];
  const profDir = process.env.BENCH_CPU_PROF;
  if (profDir) {
    mkdirSync(profDir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`);
  }
  args.push(SERVER_ENTRY);

  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    // Kept for error messages; the bootstrap keys printed on stdout are masked.
    output = (output + chunk.toString('utf8').replace(/sk_(test|live)_\w+/g, 'sk_$1_…')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    liveChildren.delete(child);
  });

  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exitCode !== undefined || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (exitCode !== undefined)
        throw new Error(`the server exited with code ${exitCode} before it was ready:\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`the server was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
      const res = await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      if (res?.status === 200) break;
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const pid = child.pid!;
  return {
    pid,
    base,
    memory() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
        const rss = kib('VmRSS');
        const peak = kib('VmHWM');
        return Number.isFinite(rss) && Number.isFinite(peak) ? { rssMiB: rss / 1024, peakMiB: peak / 1024 } : undefined;
      } catch {
        return undefined;
      }
    },
    stop,
  };
}

export function readTestKey(dataDir: string): string {
  const keys = JSON.parse(readFileSync(join(dataDir, 'bootstrap-keys.json'), 'utf8')) as { test_key?: string };
  if (!keys.test_key) throw new Error(`no test_key in ${join(dataDir, 'bootstrap-keys.json')}`);
  return keys.test_key;
}

export async function createDatabase(
  adminUrl: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `cs_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
