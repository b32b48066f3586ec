import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/callingscout.js', import.meta.url));
const run = promisify(execFile);

/** The CLI as a user runs it: a child process, its stdout and exit code. */
async function callingscout(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; code?: number };
    return { stdout: e.stdout ?? '', code: e.code ?? -1 };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('callingscout simulate', () => {
  it('interrupter: prints the transcript with the cut line marked, each turn’s latency and the summary', async () => {
    const wav = join(dir, 'interrupter.wav');
    const { stdout, code } = await callingscout('simulate', '--scenario', 'interrupter', '--record', wav);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/scenario interrupter · virtual clock/);
    expect(lines).toContain(
      '[00:00.0] agent: Hi, this is Alex, an AI assistant calling from Acme Dental about your appointment.',
    );
    // The agent's second line is cut where the callee barged in, and marked.
    const agentLines = lines.filter((l) => /^\[\d\d:\d\d\.\d\] agent: /.test(l));
    expect(agentLines[1]).toMatch(/agent: Great\.[^?]* \[interrupted\]$/);
    expect(stdout).toMatch(/callee: Sorry, can I stop you there for a second\?/);
    const latencies = lines.filter((l) => /turn \d+ latency: \d+ ms \(speech end → stt final \+\d+/.test(l));
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(stdout).toMatch(/^ended: hangup_agent after \d+\.\d s · answered by human$/m);
    expect(stdout).toMatch(/^latency: \d+ turns · first response \d+ ms · p50 \d+ ms · p95 \d+ ms$/m);
    const stopped = Number(/the agent stopped (\d+) ms after/.exec(stdout)?.[1]);
    expect(stopped).toBeLessThanOrEqual(300);
    expect(stdout).toMatch(/^summary: .+/m);
    expect(stdout).toContain(`recording: ${wav}`);
    expect((await readFile(wav)).subarray(0, 4).toString()).toBe('RIFF');
  });

  it('voicemail: detects the machine and leaves the demo agent’s message', async () => {
    const { stdout, code } = await callingscout('simulate', '--scenario', 'voicemail');
    expect(code).toBe(0);
    expect(stdout).toMatch(/voicemail detected \((words|beep|greeting)\)/);
    expect(stdout).toMatch(/agent: Hi, this is Acme Dental\. Please call us back/);
    expect(stdout).toMatch(/^ended: voicemail_left after .* answered by machine$/m);
    const recorded = Number(/the machine recorded (\d+\.\d) s/.exec(stdout)?.[1]);
    expect(recorded).toBeGreaterThan(3);
  });

  it('takes an agent from a JSON file and explains what is wrong with a bad one', async () => {
    const good = join(dir, 'agent.json');
    await writeFile(good, JSON.stringify({ name: 'Short', first_message: 'Hello from the test agent.' }));
    const ok = await callingscout('simulate', '--scenario', 'hangs_up_early', '--agent', good);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('agent: Hello from the test agent.');
    expect(ok.stdout).toMatch(/^ended: hangup_user after 3\.0 s/m);

    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ name: 'Bad', max_duration_sec: 1 }));
    const refused = await callingscout('simulate', '--agent', bad);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/max_duration_sec: /);
  });

  it('refuses an unknown scenario with the list of known ones', async () => {
    const { stdout, code } = await callingscout('simulate', '--scenario', 'nope');
    expect(code).toBe(2);
    expect(stdout).toContain("unknown scenario 'nope'; one of: human_cooperative, busy");
  });
});
