import type { AddressInfo } from 'node:net';

/**
 * The URL a bound socket really answers on, for the startup line. Nest's `getUrl()` prints 127.0.0.1
 * for a wildcard bind, which hides that the server is reachable from other machines.
 */
export function listeningUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
