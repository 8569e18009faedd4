import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux: /proc/<pid>/stat counts CPU time in 10 ms ticks

/** CPU time (user + system) a process has used so far, in ms; NaN when it is gone or not Linux. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14 and 15 of the line)
  } catch {
    return NaN;
  }
}

/**
 * Write-class system calls (write, writev, …) a process has made so far (`syscw` of /proc/<pid>/io); NaN
 * when it is gone or unreadable. On loopback a socket write also runs the receiver's TCP path in the
 * writer's context, so the count of writes per execution is a large, stable part of its CPU cost.
 */
export function writeCallsOf(pid: number): number {
  try {
    return Number(/syscw: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * CPU time per process group, so a benchmark can say where a step's cost goes even on a busy machine
 * (CPU time does not grow while a process waits for a core). `postgres` sums the backends serving the
 * benchmark's database — polled, since pools open and close connections — and `redis` is the server's
 * own used_cpu_sys + used_cpu_user (the machine's shared Redis: anything else using it counts too).
 */
export class CpuMeter {
  private readonly last = new Map<number, number>();
  private readonly lastWrites = new Map<number, number>();
  private pgPids: number[] = [];
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly processes: Record<string, number>,
    private readonly db?: Client,
    private readonly databaseName?: string,
    private readonly redis?: Redis,
  ) {}

  static async create(processes: Record<string, number>, databaseUrl?: string, redisUrl?: string): Promise<CpuMeter> {
    let db: Client | undefined;
    if (databaseUrl) {
      db = new Client({ connectionString: databaseUrl });
      await db.connect();
    }
    const redis = redisUrl ? new Redis(redisUrl) : undefined;
    const meter = new CpuMeter(processes, db, databaseUrl ? new URL(databaseUrl).pathname.slice(1) : undefined, redis);
    await meter.poll();
    meter.timer = setInterval(() => void meter.poll().catch(() => undefined), 250);
    return meter;
  }

  /** CPU ms used so far by each group. */
  async read(): Promise<Record<string, number>> {
    await this.poll();
    const out = this.byGroup(this.last);
    if (this.redis) {
      const info = await this.redis.info('cpu');
      const value = (key: string) => Number(new RegExp(`${key}:([\\d.]+)`).exec(info)?.[1] ?? 0);
      out.redis = (value('used_cpu_sys') + value('used_cpu_user')) * 1000;
    }
    return out;
  }

  /** Write system calls made so far by each group (postgres: its backends; Redis is not counted). */
  async readWriteCalls(): Promise<Record<string, number>> {
    await this.poll();
    return this.byGroup(this.lastWrites);
  }

  /** A per-process reading summed by group: each named process, and Postgres' backends together. */
  private byGroup(readings: ReadonlyMap<number, number>): Record<string, number> {
    const sum = (pids: number[]) => pids.reduce((a, pid) => a + (readings.get(pid) ?? 0), 0);
    const out: Record<string, number> = Object.fromEntries(Object.entries(this.processes).map(([name, pid]) => [name, sum([pid])]));
    if (this.db) out.postgres = sum(this.pgPids);
    return out;
  }

  /** Runs `work` and returns its result with the CPU ms each group used meanwhile. */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; cpu: Record<string, number> }> {
    const before = await this.read();
    const result = await work();
    const after = await this.read();
    return { result, cpu: Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])) };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.db?.end().catch(() => undefined);
    this.redis?.disconnect();
  }

  private async poll(): Promise<void> {
    if (this.db) {
      const { rows } = await this.db.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [this.databaseName]);
      for (const { pid } of rows as Array<{ pid: number }>) if (!this.pgPids.includes(pid)) this.pgPids.push(pid);
    }
    for (const pid of [...Object.values(this.processes), ...this.pgPids]) {
      const ms = cpuMsOf(pid);
      if (Number.isFinite(ms)) this.last.set(pid, ms); // a process that ended keeps its last reading
      const writes = writeCallsOf(pid);
      if (Number.isFinite(writes)) this.lastWrites.set(pid, writes);
    }
  }
}
