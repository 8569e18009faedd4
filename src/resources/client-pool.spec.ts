import { ClientPool } from './client-pool';

interface FakeClient {
  name: string;
  closed: boolean;
}

function poolWith(idleMs = 60_000) {
  const created: FakeClient[] = [];
  const pool = new ClientPool<FakeClient>({
    idleMs,
    create: (r) => {
      const client = { name: `${r.id}:${r.version}#${created.length}`, closed: false };
      created.push(client);
      return client;
    },
    close: (client) => {
      client.closed = true;
    },
  });
  return { pool, created };
}

const v1 = { id: 'r1', version: 1 };

describe('ClientPool', () => {
  afterEach(() => jest.useRealTimers());

  it('shares one client per resource version, also between concurrent first callers', async () => {
    const { pool, created } = poolWith();
    const [a, b] = await Promise.all([pool.acquire(v1), pool.acquire(v1)]);
    expect(a.client).toBe(b.client);
    expect(await pool.use(v1, async (c) => c)).toBe(a.client);
    expect(await pool.use({ id: 'r2', version: 1 }, async (c) => c)).not.toBe(a.client);
    expect(created).toHaveLength(2);
    a.release();
    b.release();
  });

  it('closes a client after it has been idle, never while in use', async () => {
    jest.useFakeTimers();
    const { pool, created } = poolWith(1000);
    const lease = await pool.acquire(v1);
    jest.advanceTimersByTime(5000);
    expect(created[0].closed).toBe(false); // held: idle time does not run
    lease.release();
    lease.release(); // a second release is ignored
    jest.advanceTimersByTime(999);
    await pool.use(v1, async () => undefined); // used again: the idle clock restarts
    jest.advanceTimersByTime(999);
    expect(created[0].closed).toBe(false);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    expect(created[0].closed).toBe(true);
    expect(pool.size).toBe(0);
    await pool.use(v1, async () => undefined);
    expect(created).toHaveLength(2); // a new client after the idle close
  });

  it('retires the old version when a newer one is acquired, after its users are done', async () => {
    const { pool, created } = poolWith();
    const old = await pool.acquire(v1);
    const fresh = await pool.acquire({ id: 'r1', version: 2 });
    expect(fresh.client).not.toBe(old.client);
    expect(created[0].closed).toBe(false); // still in use
    old.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(created[0].closed).toBe(true);
    expect(created[1].closed).toBe(false);
    fresh.release();
    await pool.closeAll();
  });

  it('drops every client of a changed resource and leaves the others', async () => {
    const { pool, created } = poolWith();
    await pool.use(v1, async () => undefined);
    await pool.use({ id: 'r2', version: 7 }, async () => undefined);
    await pool.drop('r1');
    expect(created.map((c) => c.closed)).toEqual([true, false]);
    expect(pool.size).toBe(1);
  });

  it('does not cache a failed open, and closeAll closes clients even while in use', async () => {
    let fail = true;
    const closed: string[] = [];
    const pool = new ClientPool<string>({
      create: (r) => {
        if (fail) throw new Error('connection refused');
        return `client-${r.id}`;
      },
      close: (client) => {
        closed.push(client);
      },
    });
    await expect(pool.acquire(v1)).rejects.toThrow('connection refused');
    expect(pool.size).toBe(0);
    fail = false;
    const lease = await pool.acquire(v1);
    expect(lease.client).toBe('client-r1');
    await pool.closeAll();
    expect(closed).toEqual(['client-r1']);
    lease.release(); // late release after shutdown: no second close
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toEqual(['client-r1']);
  });

  it('reports close errors instead of throwing them', async () => {
    const errors: unknown[] = [];
    const pool = new ClientPool<string>({
      create: () => 'c',
      close: () => {
        throw new Error('already closed');
      },
      onCloseError: (error) => errors.push(error),
    });
    await pool.use(v1, async () => undefined);
    await pool.closeAll();
    expect(errors).toEqual([new Error('already closed')]);
  });
});
