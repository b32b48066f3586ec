/**
 * CPU accounting (Linux /proc): what each request costs the server, the database and the load
 * generator, whatever else runs on the machine.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

export interface CpuUse {
  /** CPU ms per response of the server process(es). */
  serverMs: number;
  /** CPU ms per response of the PostgreSQL backends of the bench database; undefined on PGlite or a remote server. */
  dbMs: number | undefined;
  /** CPU ms per response of this process (autocannon). */
  loadgenMs: number;
  /** Share of the machine's CPU capacity in use, and used by processes other than these. */
  busyShare: number;
  othersShare: number;
}

interface CpuSample {
  server: number;
  db: Map<number, number> | undefined;
  loadgen: number;
  machineBusy: number;
  machineTotal: number;
}

/** USER_HZ: the unit of /proc CPU times; 100 on every Linux architecture Node supports. */
const TICK_MS = 10;

/**
 * Samples the CPU time of the server processes, of the bench database's backends, of this process
 * and of the machine; `since` turns two samples into costs per response.
 */
export class CpuMeter {
  private client: pg.Client | undefined;
  private dbUnavailable = false;

  constructor(
    private readonly adminUrl: string | undefined,
    private readonly databaseName: string | undefined,
  ) {}

  async sample(serverPids: number[]): Promise<CpuSample> {
    const machine = machineCpu();
    const usage = process.cpuUsage();
    return {
      server: serverPids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0),
      db: await this.backendCpu(),
      loadgen: (usage.user + usage.system) / 1000,
      machineBusy: machine.busy,
      machineTotal: machine.total,
    };
  }

  since(a: CpuSample, b: CpuSample, responses: number): CpuUse {
    const n = Math.max(1, responses);
    let db: number | undefined;
    if (a.db && b.db) {
      db = 0;
      // A backend that appeared during the run counts from zero; one that ended is lost (rare: the pool keeps them).
      for (const [pid, ms] of b.db) db += ms - (a.db.get(pid) ?? 0);
    }
    const server = b.server - a.server;
    const loadgen = b.loadgen - a.loadgen;
    const busy = b.machineBusy - a.machineBusy;
    const total = Math.max(1, b.machineTotal - a.machineTotal);
    return {
      serverMs: server / n,
      dbMs: db === undefined ? undefined : db / n,
      loadgenMs: loadgen / n,
      busyShare: busy / total,
      othersShare: Math.max(0, busy - server - (db ?? 0) - loadgen) / total,
    };
  }

  /** CPU ms of each backend connected to the bench database, when PostgreSQL runs on this machine. */
  private async backendCpu(): Promise<Map<number, number> | undefined> {
    if (!this.adminUrl || !this.databaseName || this.dbUnavailable) return undefined;
    try {
      if (!this.client) {
        this.client = new pg.Client({ connectionString: this.adminUrl });
        await this.client.connect();
      }
      const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
        this.databaseName,
      ]);
      const out = new Map<number, number>();
      for (const { pid } of rows) {
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        const ms = processCpuMs(pid);
        if (comm !== 'postgres' || ms === undefined) throw new Error('not a local PostgreSQL');
        out.set(pid, ms);
      }
      return out;
    } catch {
      // A remote server (or no /proc): its CPU is not ours to see.
      this.dbUnavailable = true;
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}

/** utime + stime of a process in ms, from /proc/<pid>/stat; undefined when unreadable. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * TICK_MS : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's busy and total CPU time in ms (all CPUs), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return { busy: busy * TICK_MS, total: (busy + (idle ?? 0) + (iowait ?? 0)) * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}
