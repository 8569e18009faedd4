import {
  cidrContains,
  egressRefusal,
  ipKey,
  parseCidr,
  parseEgressList,
  parseEgressRule,
  parseIp,
  privateKind,
  type ControlPlane,
  type EgressSettings,
} from './egress-policy';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};
const key = (text: string) => ipKey(ip(text));

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', 4, 0x7f000001n],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['[::1]', 6, 1n],
    ['0:0:0:0:0:0:0:1', 6, 1n],
    ['fe80::1%eth0', 6, (0xfe80n << 112n) | 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['::ffff:127.0.0.1', 4, 0x7f000001n],
    ['::ffff:7f00:1', 4, 0x7f000001n],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 4, 0xa9fea9fen],
    ['64:ff9b::1.2.3.4', 6, (0x64n << 112n) | (0xff9bn << 96n) | 0x01020304n],
  ])('%s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'localhost', '::ffff:1.2.3'])(
    'refuses %p',
    (text) => expect(parseIp(text)).toBeUndefined(),
  );

  it('gives every spelling of one address the same key', () => {
    expect(key('::1')).toBe(key('0:0::1'));
    expect(key('::ffff:10.0.0.1')).toBe(key('10.0.0.1'));
    expect(key('::1')).not.toBe(key('0.0.0.1'));
  });
});

describe('parseCidr and cidrContains', () => {
  it('matches the edges of a network and nothing outside', () => {
    const net = parseCidr('10.0.0.0/8')!;
    expect(cidrContains(net, ip('10.0.0.0'))).toBe(true);
    expect(cidrContains(net, ip('10.255.255.255'))).toBe(true);
    expect(cidrContains(net, ip('11.0.0.0'))).toBe(false);
    expect(cidrContains(net, ip('9.255.255.255'))).toBe(false);
    const cgnat = parseCidr('100.64.0.0/10')!;
    expect(cidrContains(cgnat, ip('100.127.255.255'))).toBe(true);
    expect(cidrContains(cgnat, ip('100.128.0.0'))).toBe(false);
  });

  it('normalises the base and reads a bare address as a single host', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual(parseCidr('10.0.0.0/8'));
    expect(parseCidr('10.1.2.3')).toEqual({ family: 4, base: 0x0a010203n, bits: 32 });
    expect(parseCidr('::1')).toEqual({ family: 6, base: 1n, bits: 128 });
  });

  it('handles /0 and /32 and /128', () => {
    expect(cidrContains(parseCidr('0.0.0.0/0')!, ip('203.0.113.9'))).toBe(true);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, ip('::1'))).toBe(false);
    expect(cidrContains(parseCidr('::/0')!, ip('2001:db8::1'))).toBe(true);
    expect(cidrContains(parseCidr('192.0.2.1/32')!, ip('192.0.2.2'))).toBe(false);
  });

  it('turns an IPv4-mapped IPv6 network into the IPv4 one', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual(parseCidr('10.0.0.0/8'));
    expect(parseCidr('::ffff:10.0.0.0/95')).toBeUndefined();
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/x', 'foo/8'])('refuses %p', (text) => expect(parseCidr(text)).toBeUndefined());
});

describe('privateKind', () => {
  it.each([
    ['127.0.0.1', 'loopback address'],
    ['127.255.0.9', 'loopback address'],
    ['::1', 'loopback address'],
    ['::ffff:127.0.0.1', 'loopback address'],
    ['10.0.0.5', 'private address'],
    ['172.16.0.1', 'private address'],
    ['172.31.255.255', 'private address'],
    ['192.168.1.1', 'private address'],
    ['100.64.0.1', 'carrier-grade NAT address'],
    ['169.254.169.254', 'link-local address'],
    ['fe80::1', 'link-local address'],
    ['febf::1', 'link-local address'],
    ['fc00::1', 'unique-local address'],
    ['fd12:3456::1', 'unique-local address'],
    ['0.0.0.0', '"this network" address'],
    ['0.1.2.3', '"this network" address'],
    ['::', 'unspecified address'],
    ['::ffff:10.1.1.1', 'private address'],
    ['::ffff:a9fe:a9fe', 'link-local address'],
  ])('%s is a %s', (text, kind) => expect(privateKind(ip(text))).toBe(kind));

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '2001:db8::1', 'fec0::1', '::2'])('%s is public', (text) =>
    expect(privateKind(ip(text))).toBeUndefined(),
  );
});

describe('parseEgressRule / parseEgressList', () => {
  it('reads networks, addresses and host[:port]', () => {
    expect(parseEgressRule('10.0.0.0/8')).toMatchObject({ kind: 'cidr', port: undefined });
    expect(parseEgressRule('127.0.0.1:8080')).toMatchObject({ kind: 'cidr', cidr: { bits: 32 }, port: 8080 });
    expect(parseEgressRule('[::1]:8080')).toMatchObject({ kind: 'cidr', cidr: { family: 6, base: 1n, bits: 128 }, port: 8080 });
    expect(parseEgressRule('fd00::/8')).toMatchObject({ kind: 'cidr', cidr: { family: 6, bits: 8 } });
    expect(parseEgressRule('Orders-DB.internal')).toMatchObject({ kind: 'host', host: 'orders-db.internal', port: undefined });
    expect(parseEgressRule('orders-db.internal:5432')).toMatchObject({ kind: 'host', host: 'orders-db.internal', port: 5432 });
  });

  it('names each bad entry and the setting', () => {
    const { rules, problems } = parseEgressList('EGRESS_ALLOW', ' 10.0.0.0/8 , nope/8, db:99999, 1.2.3, [::1]:0,,');
    expect(rules).toHaveLength(1);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^EGRESS_ALLOW: "nope\/8" is not a CIDR/);
    expect(problems[1]).toMatch(/"db:99999" has an invalid port/);
    expect(problems[2]).toMatch(/"1\.2\.3" is not/);
  });

  it('accepts an empty list', () => {
    expect(parseEgressList('EGRESS_DENY', '')).toEqual({ rules: [], problems: [] });
  });
});

describe('egressRefusal', () => {
  const list = (text: string) => parseEgressList('X', text).rules;
  const settings = (overrides: Partial<EgressSettings> = {}): EgressSettings => ({
    allow: [],
    deny: [],
    defaultMode: 'allow',
    allowControlPlane: false,
    ...overrides,
  });
  const plane: ControlPlane = {
    endpoints: [
      { label: "the service's own database", port: 5432, host: 'localhost', addresses: new Set([key('127.0.0.1')]), local: true },
      { label: "the service's own Redis", port: 6380, host: 'redis.internal', addresses: new Set([key('10.9.9.9')]), local: false },
    ],
    ownAddresses: new Set([key('192.168.7.7')]),
  };
  const target = (address: string, port: number, host = address) => ({ host, address, port });

  it('refuses the control plane on any local spelling, with the name asked for and the opt-out', () => {
    expect(egressRefusal(settings(), plane, target('127.0.0.1', 5432, 'orders-db.internal'))).toBe(
      "egress refused: orders-db.internal → 127.0.0.1:5432 is the service's own database (set EGRESS_ALLOW_CONTROL_PLANE=true only for single-team local use)",
    );
    for (const address of ['127.0.0.2', '::1', '0.0.0.0', '::', '::ffff:127.0.0.1', '192.168.7.7']) {
      expect(egressRefusal(settings(), plane, target(address, 5432))).toMatch(/own database/);
    }
    expect(egressRefusal(settings(), plane, target('127.0.0.1', 5433))).toBeUndefined();
  });

  it('refuses a remote control plane only at its own address, and by its name before it resolves', () => {
    expect(egressRefusal(settings(), plane, target('10.9.9.9', 6380))).toMatch(/own Redis/);
    expect(egressRefusal(settings(), plane, target('203.0.113.1', 6380, 'redis.internal'))).toMatch(/own Redis/);
    expect(egressRefusal(settings(), plane, target('127.0.0.1', 6380))).toBeUndefined();
  });

  it('refuses metadata addresses on every port, even when EGRESS_ALLOW lists them', () => {
    const allowAll = settings({ allow: list('169.254.0.0/16,fd00::/8,169.254.169.254:80') });
    expect(egressRefusal(allowAll, plane, target('169.254.169.254', 80))).toMatch(/^egress refused: 169\.254\.169\.254:80 is a cloud metadata address/);
    expect(egressRefusal(allowAll, plane, target('fd00:ec2::254', 80))).toMatch(/\[fd00:ec2::254\]:80 is a cloud metadata address/);
    expect(egressRefusal(allowAll, plane, target('::ffff:169.254.169.254', 80))).toMatch(/cloud metadata/);
    expect(egressRefusal(allowAll, plane, target('169.254.1.1', 80))).toBeUndefined();
  });

  it('lets the operator opt out of the control-plane rule', () => {
    const optOut = settings({ allowControlPlane: true });
    expect(egressRefusal(optOut, plane, target('127.0.0.1', 5432))).toBeUndefined();
    expect(egressRefusal(optOut, plane, target('169.254.169.254', 80))).toBeUndefined();
  });

  it('deny-private refuses private ranges unless allowed', () => {
    const strict = settings({ defaultMode: 'deny-private' });
    expect(egressRefusal(strict, plane, target('10.0.0.5', 80))).toBe(
      'egress refused: 10.0.0.5:80 is a private address (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit',
    );
    expect(egressRefusal(strict, plane, target('::ffff:10.0.0.5', 80))).toMatch(/private address/);
    expect(egressRefusal(strict, plane, target('8.8.8.8', 53))).toBeUndefined();
    expect(egressRefusal({ ...strict, allow: list('10.0.0.0/8') }, plane, target('10.0.0.5', 80))).toBeUndefined();
    expect(egressRefusal({ ...strict, allow: list('10.0.0.5:81') }, plane, target('10.0.0.5', 80))).toMatch(/private/);
    expect(egressRefusal({ ...strict, allow: list('10.0.0.5:80') }, plane, target('10.0.0.5', 80))).toBeUndefined();
    expect(egressRefusal({ ...strict, allow: list('svc.internal:80') }, plane, target('10.0.0.5', 80, 'svc.internal'))).toBeUndefined();
    expect(egressRefusal({ ...strict, allow: list('svc.internal:80') }, plane, target('10.0.0.5', 80, 'other.internal'))).toMatch(/private/);
  });

  it('the deny list wins over the allow list, in every mode', () => {
    const both = settings({ allow: list('10.0.0.0/8'), deny: list('10.0.0.5') });
    expect(egressRefusal(both, plane, target('10.0.0.5', 80))).toBe(
      'egress refused: 10.0.0.5:80 matches EGRESS_DENY entry 10.0.0.5; remove it from EGRESS_DENY to permit',
    );
    expect(egressRefusal(both, plane, target('10.0.0.6', 80))).toBeUndefined();
    expect(egressRefusal(settings({ deny: list('evil.example:443') }), plane, target('203.0.113.5', 443, 'EVIL.example'))).toMatch(/EGRESS_DENY/);
  });

  it('the control plane is refused before the lists are read', () => {
    const allowed = settings({ allow: list('127.0.0.1/32') });
    expect(egressRefusal(allowed, plane, target('127.0.0.1', 5432))).toMatch(/own database/);
  });
});
