import type { Type } from '@nestjs/common';

/**
 * A config field holding a secret, as a dotted path into the type's config (`password`, `sasl.password`).
 * `appliesWhen` says when the field is meaningful (`auth.token` only when `auth.type` is bearer): a stored
 * secret that no longer applies after an update is dropped, and sending one that does not apply is a
 * validation error.
 */
export interface SecretField {
  path: string;
  appliesWhen?: { field: string; in: string[] };
}

/** What a resource type declares through @ResourceType. */
export interface ResourceTypeMetadata {
  /** Unique type name stored with each resource and named by step plugins (`resource: 'sql'`). */
  type: string;
  /** One line for the type catalogue and Swagger. */
  description: string;
  /** class-validator DTO of the full config, secret fields included. */
  config: Type<object>;
  /** Secret fields: encrypted at rest, never returned, kept on update when omitted. */
  secrets: SecretField[];
  /** A realistic config for documentation (secret values are placeholders). */
  example: Record<string, unknown>;
}

export interface ConnectionTestContext {
  /** Aborted when the test's time is up: the tester must close whatever it opened. */
  signal: AbortSignal;
  /** The whole test's budget; testers pass it to their driver's own connect/request timeouts. */
  timeoutMs: number;
}

/**
 * Opens a real connection with a validated config (secrets included) and proves it works. Resolves
 * with details worth showing (server version, cluster id, ...) or throws with the driver's message.
 */
export interface ResourceConnectionTester<TConfig extends object = object> {
  test(config: TConfig, ctx: ConnectionTestContext): Promise<Record<string, unknown> | void>;
}
