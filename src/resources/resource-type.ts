import type { Type } from '@nestjs/common';
import type { EgressService } from '../egress/egress.service';

/**
 * A config field holding a secret, as a dotted path into the type's config (`password`, `sasl.password`).
 * `appliesWhen` says when the field is meaningful (`auth.token` only when `auth.type` is bearer): a stored
 * secret that no longer applies after an update is dropped, and sending one that does not apply is a
 * validation error.
 */
export interface SecretField {
  path: string;
  appliesWhen?: { field: string; in: string[] };
  /**
   * Set for a secret that stays visible in its masked form instead of leaving the public config (a
   * header's value shows as `***`, a URL keeps its host with the token as `***`). The value sent back
   * exactly as masked means "keep the stored one"; absent, the field is gone.
   */
  mask?: (value: string) => string;
}

/**
 * A type's secret fields: a fixed list, or a function of the config when which fields are secret depends
 * on it (the http type: headers by name, a base URL only when it carries credentials). The function gets
 * any form of the config (sent, validated or stored with masks) and must answer the same paths for each.
 */
export type SecretFieldsSpec = SecretField[] | ((config: Record<string, unknown>) => SecretField[]);

/** What a resource type declares through @ResourceType. */
export interface ResourceTypeMetadata {
  /** Unique type name stored with each resource and named by step plugins (`resource: 'sql'`). */
  type: string;
  /** One line for the type catalogue and Swagger. */
  description: string;
  /** class-validator DTO of the full config, secret fields included. */
  config: Type<object>;
  /** Secret fields: encrypted at rest, never returned, kept on update when omitted. */
  secrets: SecretFieldsSpec;
  /**
   * Config fields that say where the resource connects (host, port, URL, brokers, database, engine).
   * When an update or a connection test changes one, stored secrets are not reused: the caller must
   * send them again, so whoever may edit a resource cannot send its password to a server of theirs.
   * URL values compare by scheme, host and port (a path change is not a new address).
   */
  addressFields: string[];
  /** A realistic config for documentation (secret values are placeholders). */
  example: Record<string, unknown>;
  /**
   * The endpoints a config connects to, so saving a resource whose IP-literal address the egress
   * policy refuses is a 400 naming the field (host names are checked when they resolve, at connect).
   */
  egressTargets?: (config: object) => ResourceEgressTarget[];
}

/** One endpoint of a resource config: `field` is the config path to name in a 400 (`host`, `brokers.1`). */
export interface ResourceEgressTarget {
  field: string;
  host: string;
  port: number;
}

export interface ConnectionTestContext {
  /** Aborted when the test's time is up: the tester must close whatever it opened. */
  signal: AbortSignal;
  /** The whole test's budget; testers pass it to their driver's own connect/request timeouts. */
  timeoutMs: number;
  /** Where testers get their connections (agents, sockets, checked addresses): the test goes only where tenants may. */
  egress: EgressService;
}

/**
 * Opens a real connection with a validated config (secrets included) and proves it works. Resolves
 * with details worth showing (server version, cluster id, ...) or throws with the driver's message.
 */
export interface ResourceConnectionTester<TConfig extends object = object> {
  test(config: TConfig, ctx: ConnectionTestContext): Promise<Record<string, unknown> | void>;
}
