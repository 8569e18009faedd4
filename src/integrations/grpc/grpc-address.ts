import { isIP } from 'node:net';

/** host:port, [IPv6]:port — nothing else: no scheme (`dns:`, `unix:`, `xds:`), no path. */
const ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)):(\d{1,5})$/;

export interface GrpcEndpoint {
  host: string;
  port: number;
}

/**
 * The host and port of a resource's `address`, or a problem saying why it is not one. Targets with a
 * scheme are refused on purpose: `unix:` would reach sockets on the worker itself, and `dns:`/`xds:`
 * would let grpc-js resolve (and re-resolve) names on its own, outside the egress check.
 */
export function parseGrpcAddress(address: string): GrpcEndpoint | { problem: string } {
  if (/^[a-z][a-z0-9+.-]*:(?!\d+$)/i.test(address) && !address.startsWith('[')) {
    return { problem: 'must be host:port without a scheme (unix:, dns:, xds: and other gRPC target schemes are not allowed)' };
  }
  const match = ADDRESS.exec(address);
  if (!match) return { problem: 'must be host:port, e.g. orders.internal:50051 or [::1]:50051' };
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return { problem: 'port must be between 1 and 65535' };
  const host = match[1] ?? match[2];
  if (match[1] && isIP(host) !== 6) return { problem: `"${host}" is not an IPv6 address` };
  return { host, port };
}

export function grpcEndpoint(address: string): GrpcEndpoint {
  const parsed = parseGrpcAddress(address);
  if ('problem' in parsed) throw new Error(`address ${parsed.problem}`);
  return parsed;
}

/**
 * The grpc-js target for an address the egress gate has already resolved and checked: an `ipv4:` or
 * `ipv6:` target makes grpc-js connect to exactly that address and never look the name up again, so a
 * name that re-resolves elsewhere (DNS rebinding) cannot move the channel past the check.
 */
export function pinnedTarget(checked: { address: string; family: number }, port: number): string {
  return checked.family === 6 ? `ipv6:[${checked.address}]:${port}` : `ipv4:${checked.address}:${port}`;
}
