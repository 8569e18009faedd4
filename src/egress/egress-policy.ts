/**
 * The egress policy as pure functions: address parsing, CIDR matching, classification of private
 * ranges, parsing of EGRESS_ALLOW / EGRESS_DENY, and the decision for one resolved address. No I/O
 * here (EgressService resolves names and feeds the control plane in), so every rule is unit-tested
 * in egress-policy.spec.ts.
 */

export type EgressDefault = 'allow' | 'deny-private';
export const EGRESS_DEFAULTS: readonly EgressDefault[] = ['allow', 'deny-private'];

/** An address as a number; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is stored as the IPv4 it maps to. */
export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

/** One EGRESS_ALLOW / EGRESS_DENY entry: a network, or a host name; with a port it matches that port only. */
export type EgressRule = { text: string; port?: number } & ({ kind: 'cidr'; cidr: Cidr } | { kind: 'host'; host: string });

export interface EgressSettings {
  allow: EgressRule[];
  deny: EgressRule[];
  defaultMode: EgressDefault;
  /** EGRESS_ALLOW_CONTROL_PLANE: only for single-team local use. */
  allowControlPlane: boolean;
}

/** One of the service's own stores (its Postgres, its Redis), as resolved by EgressService. */
export interface ControlPlaneEndpoint {
  /** For messages: "the service's own database". */
  label: string;
  port: number;
  /** The host name as configured (lower case), refused even before it resolves. */
  host: string;
  /** Canonical keys (`ipKey`) of the addresses the host resolved to. */
  addresses: Set<string>;
  /**
   * The store runs on this machine (its host is loopback, a wildcard or one of the machine's own
   * addresses): then any loopback address, 0.0.0.0/::, or the machine's own addresses on its port reach it.
   */
  local: boolean;
}

export interface ControlPlane {
  endpoints: ControlPlaneEndpoint[];
  /** Canonical keys of the machine's own interface addresses (os.networkInterfaces). */
  ownAddresses: Set<string>;
}

/** Where one connection goes: the name asked for (equal to `address` for an IP literal), the address checked, the port. */
export interface EgressTarget {
  host: string;
  address: string;
  port: number;
}

const V4_MAX = (1n << 32n) - 1n;

/** Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS ECS task credentials, AWS IPv6): refused on every port. */
export const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254'];

const OPT_OUT = 'set EGRESS_ALLOW_CONTROL_PLANE=true only for single-team local use';

// ---------------------------------------------------------------------------------------------------
// Addresses and networks
// ---------------------------------------------------------------------------------------------------

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255 || (part.length > 1 && part.startsWith('0'))) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  let body = text;
  // An embedded IPv4 in the last 32 bits (`::ffff:10.0.0.1`) is rewritten as two hex groups.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    const v4 = parseV4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const rest = halves.length === 2 ? groupsOf(halves[1]) : [];
  // Without `::` exactly 8 groups; with it, at most 7 (it stands for at least one zero group).
  if (halves.length === 1 ? head.length !== 8 : head.length + rest.length > 7) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** Parses an IPv4 or IPv6 address (brackets and a `%zone` allowed); undefined when it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  let raw = text.trim();
  if (raw.startsWith('[') && raw.endsWith(']')) raw = raw.slice(1, -1);
  const zone = raw.indexOf('%');
  if (zone >= 0) raw = raw.slice(0, zone);
  if (!raw.includes(':')) {
    const value = parseV4(raw);
    return value === undefined ? undefined : { family: 4, value };
  }
  const value = parseV6(raw);
  if (value === undefined) return undefined;
  // IPv4-mapped: the kernel connects to the IPv4 address, so every IPv4 rule must apply to it.
  if (value >> 32n === 0xffffn) return { family: 4, value: value & V4_MAX };
  return { family: 6, value };
}

/** A key equal for every spelling of one address (`::1` and `0:0::1`, `::ffff:127.0.0.1` and `127.0.0.1`). */
export function ipKey(ip: ParsedIp): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

/** `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128). Mapped IPv6 networks become IPv4 ones. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const isMappedV6 = ip.family === 4 && text.includes(':');
  const width = ip.family === 4 ? 32 : 128;
  let bits = width;
  if (slash >= 0) {
    const suffix = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(suffix)) return undefined;
    bits = Number(suffix);
    if (isMappedV6) {
      if (bits < 96 || bits > 128) return undefined;
      bits -= 96;
    } else if (bits > width) return undefined;
  }
  const hostBits = BigInt(width - bits);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, bits };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.bits);
  return ip.value >> hostBits === cidr.base >> hostBits;
}

const cidr = (text: string): Cidr => parseCidr(text)!;

/** Ranges EGRESS_DEFAULT=deny-private refuses, with the words a refusal uses for them. */
const PRIVATE_RANGES: Array<{ cidr: Cidr; kind: string }> = [
  { cidr: cidr('0.0.0.0/8'), kind: '"this network" address' },
  { cidr: cidr('127.0.0.0/8'), kind: 'loopback address' },
  { cidr: cidr('10.0.0.0/8'), kind: 'private address' },
  { cidr: cidr('172.16.0.0/12'), kind: 'private address' },
  { cidr: cidr('192.168.0.0/16'), kind: 'private address' },
  { cidr: cidr('100.64.0.0/10'), kind: 'carrier-grade NAT address' },
  { cidr: cidr('169.254.0.0/16'), kind: 'link-local address' },
  { cidr: cidr('::/128'), kind: 'unspecified address' },
  { cidr: cidr('::1/128'), kind: 'loopback address' },
  { cidr: cidr('fe80::/10'), kind: 'link-local address' },
  { cidr: cidr('fc00::/7'), kind: 'unique-local address' },
];

const LOOPBACK = [cidr('127.0.0.0/8'), cidr('::1/128')];
const UNSPECIFIED = [cidr('0.0.0.0/32'), cidr('::/128')];
const METADATA_KEYS = new Set(METADATA_ADDRESSES.map((a) => ipKey(parseIp(a)!)));

/** What kind of non-public address this is ("loopback address", "private address", …), or undefined for a public one. */
export function privateKind(ip: ParsedIp): string | undefined {
  return PRIVATE_RANGES.find((range) => cidrContains(range.cidr, ip))?.kind;
}

/** Loopback, or the wildcard address (connecting to 0.0.0.0 or :: reaches this machine). */
export function isLocalAddress(ip: ParsedIp): boolean {
  return LOOPBACK.some((c) => cidrContains(c, ip)) || UNSPECIFIED.some((c) => cidrContains(c, ip));
}

// ---------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** One entry: `10.0.0.0/8`, `fd00::/8`, `10.1.2.3`, `10.1.2.3:8080`, `[::1]:8080`, `orders-db.internal`, `orders-db.internal:5432`. */
export function parseEgressRule(entry: string): EgressRule | string {
  const text = entry.trim();
  const invalid = `"${text}" is not a CIDR, an IP address or host[:port]`;
  let hostPart = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    hostPart = bracketed[1];
    if (bracketed[2] !== undefined) {
      port = parsePort(bracketed[2]);
      if (port === undefined) return `"${text}" has an invalid port`;
    }
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const [host, portText] = text.split(':');
    port = parsePort(portText);
    if (port === undefined) return `"${text}" has an invalid port`;
    hostPart = host;
  }
  const network = parseCidr(hostPart);
  if (network) return { kind: 'cidr', cidr: network, port, text };
  if (hostPart.includes('/') || hostPart.includes(':')) return invalid;
  // A name made only of digits and dots is a malformed address, not a host name.
  if (!HOST_NAME.test(hostPart) || /^[\d.]+$/.test(hostPart)) return invalid;
  return { kind: 'host', host: hostPart.toLowerCase().replace(/\.$/, ''), port, text };
}

/** A comma-separated list; `problems` name the setting and each bad entry (for the boot-time message). */
export function parseEgressList(setting: string, value: string): { rules: EgressRule[]; problems: string[] } {
  const rules: EgressRule[] = [];
  const problems: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const parsed = parseEgressRule(entry);
    if (typeof parsed === 'string') problems.push(`${setting}: ${parsed} (entries are CIDRs like 10.0.0.0/8 or host[:port] like orders-db.internal:5432)`);
    else rules.push(parsed);
  }
  return { rules, problems };
}

// ---------------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------------

function ruleMatches(rule: EgressRule, target: EgressTarget, ip: ParsedIp): boolean {
  if (rule.port !== undefined && rule.port !== target.port) return false;
  if (rule.kind === 'cidr') return cidrContains(rule.cidr, ip);
  return rule.host === target.host.toLowerCase().replace(/\.$/, '');
}

/** `10.0.0.5:80`, `[::1]:80`; with the name asked for when there was one: `db.internal → 10.0.0.5:5432`. */
export function describeTarget(target: EgressTarget): string {
  const address = target.address.includes(':') ? `[${target.address}]` : target.address;
  const asked = target.host.replace(/^\[|\]$/g, '');
  return asked && asked !== target.address ? `${asked} → ${address}:${target.port}` : `${address}:${target.port}`;
}

function controlPlaneLabel(plane: ControlPlane, target: EgressTarget, ip: ParsedIp): string | undefined {
  const key = ipKey(ip);
  if (METADATA_KEYS.has(key)) return 'a cloud metadata address';
  const host = target.host.toLowerCase();
  for (const endpoint of plane.endpoints) {
    if (endpoint.port !== target.port) continue;
    if (endpoint.addresses.has(key) || endpoint.host === host) return endpoint.label;
    if (endpoint.local && (isLocalAddress(ip) || plane.ownAddresses.has(key))) return endpoint.label;
  }
  return undefined;
}

/**
 * Whether a connection to `target` (its address already resolved) may go out: undefined when it may,
 * else the refusal message. Order: the control plane (unless opted out, whatever the lists say), then
 * EGRESS_DENY, then EGRESS_ALLOW, then EGRESS_DEFAULT.
 */
export function egressRefusal(settings: EgressSettings, plane: ControlPlane, target: EgressTarget): string | undefined {
  const ip = parseIp(target.address);
  const where = describeTarget(target);
  if (!ip) return `egress refused: ${where} is not an IP address`;
  if (!settings.allowControlPlane) {
    const label = controlPlaneLabel(plane, target, ip);
    if (label) return `egress refused: ${where} is ${label} (${OPT_OUT})`;
  }
  const denied = settings.deny.find((rule) => ruleMatches(rule, target, ip));
  if (denied) return `egress refused: ${where} matches EGRESS_DENY entry ${denied.text}; remove it from EGRESS_DENY to permit`;
  if (settings.allow.some((rule) => ruleMatches(rule, target, ip))) return undefined;
  if (settings.defaultMode === 'deny-private') {
    const kind = privateKind(ip);
    if (kind) return `egress refused: ${where} is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit`;
  }
  return undefined;
}
