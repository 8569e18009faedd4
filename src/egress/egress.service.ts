import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EgressRefusedError } from './egress-refused.error';
import { egressRefusal, ipKey, isLocalAddress, parseEgressList, parseIp, type ControlPlane, type ControlPlaneEndpoint, type EgressSettings } from './egress-policy';

/** Verdicts kept per (name asked, address, port): the http step's hot path asks the same few targets again and again. */
const VERDICT_CACHE_SIZE = 2048;
/** How often the control plane's host names and this machine's addresses are looked up again. */
const CONTROL_PLANE_REFRESH_MS = 60_000;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type EgressLookup = (hostname: string, options: dns.LookupOptions | number | LookupCallback, callback?: LookupCallback) => void;

export interface EgressAddress {
  address: string;
  family: number;
}

/**
 * The one gate for every connection made on a tenant's behalf (steps, connection tests, webhooks).
 * Plugins never open sockets themselves: they take agents, sockets, a `lookup` or a checked address
 * from here, so a connection is checked AFTER DNS resolution and made to the very address that was
 * checked (no rebinding window). IP literals, which Node connects to without calling `lookup`, are
 * checked explicitly. The policy itself is egress-policy.ts.
 */
@Injectable()
export class EgressService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Egress');
  private readonly settings: EgressSettings;
  private plane: ControlPlane;
  private readonly verdicts = new Map<string, string | null>();
  private readonly lookups = new Map<number, EgressLookup>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {
    this.settings = {
      allow: parseEgressList('EGRESS_ALLOW', config.EGRESS_ALLOW).rules,
      deny: parseEgressList('EGRESS_DENY', config.EGRESS_DENY).rules,
      defaultMode: config.EGRESS_DEFAULT ?? 'allow',
      allowControlPlane: config.EGRESS_ALLOW_CONTROL_PLANE,
    };
    // Until the first refresh resolves names, literal hosts and loopback are already covered.
    this.plane = { endpoints: this.controlPlaneTargets().map((t) => ({ ...t, addresses: new Set(), local: true })), ownAddresses: new Set() };
  }

  async onModuleInit(): Promise<void> {
    await this.refreshControlPlane();
    this.refreshTimer = setInterval(() => void this.refreshControlPlane(), CONTROL_PLANE_REFRESH_MS);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
  }

  /** The refusal for a connection to `address` (already resolved) asked for as `host`, or undefined. Cached. */
  refusal(host: string, address: string, port: number): string | undefined {
    const key = `${host}|${address}|${port}`;
    const cached = this.verdicts.get(key);
    if (cached !== undefined) {
      // Re-inserted so the map's order is least-recently-used first.
      this.verdicts.delete(key);
      this.verdicts.set(key, cached);
      return cached ?? undefined;
    }
    const verdict = egressRefusal(this.settings, this.plane, { host, address, port }) ?? null;
    if (this.verdicts.size >= VERDICT_CACHE_SIZE) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(key, verdict);
    return verdict ?? undefined;
  }

  /** For an IP-literal host (Node skips `lookup` for those): its refusal, or undefined. Names answer undefined (checked at lookup). */
  checkLiteral(host: string, port: number): string | undefined {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    return net.isIP(bare) ? this.refusal(bare, bare, port) : undefined;
  }

  /** A dns.lookup-compatible function for connections to `port`: resolves, drops refused addresses, errors when none is left. */
  lookupFor(port: number): EgressLookup {
    let lookup = this.lookups.get(port);
    if (!lookup) {
      lookup = (hostname, options, callback) => {
        const done = (typeof options === 'function' ? options : callback) as LookupCallback;
        const opts: dns.LookupOptions = typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {};
        void this.resolveAll(hostname, port, opts).then(
          (addresses) => (opts.all ? done(null, addresses) : done(null, addresses[0].address, addresses[0].family)),
          (error: NodeJS.ErrnoException) => done(error, opts.all ? [] : ''),
        );
      };
      this.lookups.set(port, lookup);
    }
    return lookup;
  }

  /** Resolves `host` and returns the first allowed address; throws EgressRefusedError when none is. For resolve-then-connect drivers. */
  async resolve(host: string, port: number): Promise<EgressAddress> {
    return (await this.resolveAll(host, port, {}))[0];
  }

  /** Throws EgressRefusedError unless a connection to host:port is allowed (after resolving names). */
  async assertAllowed(host: string, port: number): Promise<void> {
    await this.resolve(host, port);
  }

  /** An open socket to host:port (TLS when `tls` is set), through the policy; refusals arrive as its 'error'. For kafkajs and mysql2. */
  connect(target: { host: string; port: number; tls?: tls.ConnectionOptions }, onConnect?: () => void): net.Socket {
    const refused = this.checkLiteral(target.host, target.port);
    if (refused) return failedSocket(refused);
    const lookup = this.lookupFor(target.port);
    if (!target.tls) return net.connect({ host: target.host, port: target.port, lookup }, onConnect);
    const servername = target.tls.servername ?? (net.isIP(target.host) ? undefined : target.host);
    return tls.connect({ ...target.tls, host: target.host, port: target.port, servername, lookup }, onConnect);
  }

  /** A not-yet-connected socket whose `connect(port, host)` goes through the policy (pg's `stream` factory). */
  socket(): net.Socket {
    return new EgressSocket(this);
  }

  /** Keep-alive-capable agents whose every new connection is checked: follows redirects safely, since each hop connects through them. */
  httpAgent(options: http.AgentOptions = {}): http.Agent {
    return new EgressHttpAgent(this, options);
  }

  httpsAgent(options: https.AgentOptions = {}): https.Agent {
    return new EgressHttpsAgent(this, options);
  }

  /** Prepares connect options for an agent: the policy's lookup, or a refusal for a literal host. */
  guardAgentOptions(options: net.TcpNetConnectOpts): string | undefined {
    const port = Number(options.port) || 80;
    const refused = this.checkLiteral(String(options.host ?? 'localhost'), port);
    if (refused) return refused;
    options.lookup = this.lookupFor(port) as net.LookupFunction;
    return undefined;
  }

  private async resolveAll(host: string, port: number, options: dns.LookupOptions): Promise<dns.LookupAddress[]> {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    const family = net.isIP(bare);
    const addresses = family ? [{ address: bare, family }] : await dns.promises.lookup(bare, { ...options, all: true });
    const allowed: dns.LookupAddress[] = [];
    let firstRefusal: string | undefined;
    for (const entry of addresses) {
      const refused = this.refusal(bare, entry.address, port);
      if (refused) firstRefusal ??= refused;
      else allowed.push(entry);
    }
    if (!allowed.length) throw new EgressRefusedError(firstRefusal ?? `egress refused: ${bare} resolved to no address`);
    return allowed;
  }

  private controlPlaneTargets(): Array<Omit<ControlPlaneEndpoint, 'addresses' | 'local'>> {
    const database = new URL(this.config.DATABASE_URL);
    const redis = new URL(this.config.REDIS_URL);
    const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase() || 'localhost';
    return [
      { label: "the service's own database", host: hostOf(database), port: Number(database.port) || 5432 },
      { label: "the service's own Redis", host: hostOf(redis), port: Number(redis.port) || 6379 },
    ];
  }

  /** Looks up DATABASE_URL / REDIS_URL hosts and this machine's addresses; a failed lookup keeps what was known. */
  private async refreshControlPlane(): Promise<void> {
    const ownAddresses = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) {
      for (const entry of list ?? []) {
        const parsed = parseIp(entry.address);
        if (parsed) ownAddresses.add(ipKey(parsed));
      }
    }
    const endpoints = await Promise.all(
      this.controlPlaneTargets().map(async (target): Promise<ControlPlaneEndpoint> => {
        const previous = this.plane.endpoints.find((e) => e.host === target.host && e.port === target.port);
        let resolved: string[];
        try {
          resolved = net.isIP(target.host) ? [target.host] : (await dns.promises.lookup(target.host, { all: true })).map((a) => a.address);
        } catch (error) {
          this.logger.warn({ host: target.host, error: (error as Error).message }, 'Cannot resolve a control-plane host; keeping the last known addresses');
          return previous ?? { ...target, addresses: new Set(), local: true };
        }
        const parsed = resolved.map((a) => parseIp(a)).filter((a) => a !== undefined);
        const local = parsed.some((a) => isLocalAddress(a) || ownAddresses.has(ipKey(a)));
        return { ...target, addresses: new Set(parsed.map(ipKey)), local };
      }),
    );
    this.plane = { endpoints, ownAddresses };
    this.verdicts.clear();
  }
}

/** A socket that fails with the refusal on the next tick, once the caller has attached its listeners. */
function failedSocket(message: string): net.Socket {
  const socket = new net.Socket();
  process.nextTick(() => socket.destroy(new EgressRefusedError(message)));
  return socket;
}

/**
 * pg calls `stream.connect(port, host)` on the socket its `stream` factory returns; this socket sends
 * that through the policy. Anything else (a Unix socket path: pg turns a host starting with `/` into
 * one, which could reach the service's own Postgres) is refused.
 */
class EgressSocket extends net.Socket {
  constructor(private readonly egress: EgressService) {
    super();
  }

  override connect(...args: unknown[]): this {
    const [first, second] = args;
    const listener = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    const port = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)) ? Number(first) : undefined;
    if (port === undefined || (second !== undefined && typeof second !== 'string')) {
      process.nextTick(() => this.destroy(new EgressRefusedError('egress refused: only TCP host:port connections are allowed (no Unix sockets)')));
      return this;
    }
    const host = (second as string | undefined) ?? 'localhost';
    const refused = this.egress.checkLiteral(host, port);
    if (refused) {
      process.nextTick(() => this.destroy(new EgressRefusedError(refused)));
      return this;
    }
    return super.connect({ port, host, lookup: this.egress.lookupFor(port) as net.LookupFunction }, listener);
  }
}

type CreateConnection = (options: net.TcpNetConnectOpts, callback: (error: Error | null, socket?: net.Socket) => void) => net.Socket | undefined;

/** Every connection the agent opens goes through the policy; a refused literal fails the request through the agent's callback. */
function guardedCreateConnection(egress: EgressService, original: CreateConnection): CreateConnection {
  return function (this: http.Agent, options, callback) {
    const guarded = { ...options };
    const local = options as { path?: unknown; socketPath?: unknown };
    const refused = local.path || local.socketPath ? 'egress refused: only TCP host:port connections are allowed (no Unix sockets)' : egress.guardAgentOptions(guarded);
    if (refused) {
      process.nextTick(() => callback(new EgressRefusedError(refused)));
      return undefined;
    }
    return original.call(this, guarded, callback);
  };
}

class EgressHttpAgent extends http.Agent {
  constructor(egress: EgressService, options: http.AgentOptions) {
    super(options);
    const original = (http.Agent.prototype as unknown as { createConnection: CreateConnection }).createConnection;
    (this as unknown as { createConnection: CreateConnection }).createConnection = guardedCreateConnection(egress, original);
  }
}

class EgressHttpsAgent extends https.Agent {
  constructor(egress: EgressService, options: https.AgentOptions) {
    super(options);
    const original = (https.Agent.prototype as unknown as { createConnection: CreateConnection }).createConnection;
    (this as unknown as { createConnection: CreateConnection }).createConnection = guardedCreateConnection(egress, original);
  }
}
