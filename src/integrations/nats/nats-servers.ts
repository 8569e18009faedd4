import type { ResourceEgressTarget } from '../../resources/resource-type';

/** NATS' default client port. */
export const NATS_DEFAULT_PORT = 4222;

/** `host`, `host:port`, `nats://host[:port]` or `tls://host[:port]`; IPv6 in brackets. */
export const NATS_SERVER_PATTERN = /^(?:(nats|tls):\/\/)?([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

export interface NatsServer {
  /** As written in the config, for messages. */
  entry: string;
  /** Host name or IP literal, without brackets. */
  host: string;
  port: number;
  /** `tls://` asks for TLS on this server even without a `tls` block. */
  tls: boolean;
}

/** Parses one `servers` entry; undefined when it is not one of the accepted forms. */
export function parseNatsServer(entry: string): NatsServer | undefined {
  const match = NATS_SERVER_PATTERN.exec(entry.trim());
  if (!match) return undefined;
  const port = match[3] === undefined ? NATS_DEFAULT_PORT : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { entry, host: match[2].replace(/^\[|\]$/g, ''), port, tls: match[1] === 'tls' };
}

/** The servers of a validated config (entries that do not parse were refused by the DTO). */
export function natsServers(servers: readonly string[]): NatsServer[] {
  return servers.map(parseNatsServer).filter((server) => server !== undefined);
}

/** The configured servers, for the resource type's save-time egress check. */
export function natsEgressTargets(config: { servers: string[] }): ResourceEgressTarget[] {
  return config.servers.flatMap((entry, index) => {
    const server = parseNatsServer(entry);
    return server ? [{ field: `servers.${index}`, host: server.host, port: server.port }] : [];
  });
}
