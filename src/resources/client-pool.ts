/** What a pool needs to know about a resource: clients are keyed by `${id}:${version}`. */
export interface PoolableResource {
  id: string;
  version: number;
}

export interface ClientPoolOptions<TClient, TResource extends PoolableResource = PoolableResource> {
  /** Opens a client for a resource (e.g. a pg Pool or a connected kafkajs producer). */
  create: (resource: TResource) => Promise<TClient> | TClient;
  /** Closes a client; errors are reported to `onCloseError` and otherwise ignored. */
  close: (client: TClient) => Promise<void> | void;
  /** A client unused for this long is closed. Default 60 s. */
  idleMs?: number;
  onCloseError?: (error: unknown) => void;
}

export interface ClientLease<TClient> {
  client: TClient;
  /** Must be called exactly once when the caller is done with the client (further calls are ignored). */
  release(): void;
}

interface Entry<TClient> {
  key: string;
  resourceId: string;
  version: number;
  client: Promise<TClient>;
  refs: number;
  timer?: NodeJS.Timeout;
  retired: boolean;
  closing?: Promise<void>;
}

/**
 * One long-lived client per resource version, shared by every step that uses the resource. A client
 * is closed when it has been idle for `idleMs`, when the resource changes (`drop`, or a newer version
 * is acquired) — after its in-flight users release it — and by `closeAll()` at shutdown.
 */
export class ClientPool<TClient, TResource extends PoolableResource = PoolableResource> {
  private readonly entries = new Map<string, Entry<TClient>>();
  private readonly closing = new Set<Promise<void>>();
  private readonly idleMs: number;

  constructor(private readonly options: ClientPoolOptions<TClient, TResource>) {
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Number of open (or opening) clients that new callers can still get. */
  get size(): number {
    return this.entries.size;
  }

  async acquire(resource: TResource): Promise<ClientLease<TClient>> {
    const key = `${resource.id}:${resource.version}`;
    let entry = this.entries.get(key);
    if (!entry) {
      // A newer version makes every older client of the resource obsolete.
      for (const other of [...this.entries.values()]) {
        if (other.resourceId === resource.id && other.version < resource.version) this.retire(other);
      }
      entry = { key, resourceId: resource.id, version: resource.version, client: this.open(resource), refs: 0, retired: false };
      this.entries.set(key, entry);
      const created = entry;
      // A failed open must not stay cached: the next caller tries again.
      created.client.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    entry.refs++;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    let client: TClient;
    try {
      client = await entry.client;
    } catch (error) {
      entry.refs--;
      throw error;
    }
    let released = false;
    const held = entry;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        this.release(held);
      },
    };
  }

  /** Runs `fn` with the resource's client, holding it so that it is not closed underneath. */
  async use<R>(resource: TResource, fn: (client: TClient) => Promise<R>): Promise<R> {
    const lease = await this.acquire(resource);
    try {
      return await fn(lease.client);
    } finally {
      lease.release();
    }
  }

  /** Closes every client of the resource (all versions) once its current users are done. */
  async drop(resourceId: string): Promise<void> {
    const retired = [...this.entries.values()].filter((entry) => entry.resourceId === resourceId).map((entry) => this.retire(entry));
    await Promise.all(retired);
  }

  /** Closes every client now, in use or not (shutdown), and waits for the closes to finish. */
  async closeAll(): Promise<void> {
    for (const entry of [...this.entries.values()]) {
      this.entries.delete(entry.key);
      entry.retired = true;
      this.close(entry);
    }
    await Promise.all([...this.closing]);
  }

  private open(resource: TResource): Promise<TClient> {
    return Promise.resolve().then(() => this.options.create(resource));
  }

  private release(entry: Entry<TClient>): void {
    entry.refs--;
    if (entry.refs > 0) return;
    if (entry.retired) {
      void this.close(entry);
      return;
    }
    entry.timer = setTimeout(() => {
      if (entry.refs === 0 && this.entries.get(entry.key) === entry) this.retire(entry);
    }, this.idleMs);
    entry.timer.unref();
  }

  private retire(entry: Entry<TClient>): Promise<void> {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.retired = true;
    return entry.refs === 0 ? this.close(entry) : Promise.resolve();
  }

  private close(entry: Entry<TClient>): Promise<void> {
    clearTimeout(entry.timer);
    if (entry.closing) return entry.closing;
    const closing: Promise<void> = entry.client
      .then(
        (client) => this.options.close(client),
        () => undefined, // never opened: nothing to close (the opener already saw the error)
      )
      .catch((error: unknown) => this.options.onCloseError?.(error))
      .finally(() => this.closing.delete(closing));
    entry.closing = closing;
    this.closing.add(closing);
    return closing;
  }
}
