import type { Type } from '@nestjs/common';

/**
 * The contract between the engine and a step type. A plugin knows its config class, its client
 * library and this contract — nothing of persistence, queues or sockets.
 */
export interface StepPluginMetadata {
  /** Unique step type, used in flow definitions (`"type": "http"`). */
  type: string;
  /** Human description shown in the step catalogue. */
  description: string;
  /** class-validator DTO of the step's `config`; validated on save and, after substitution, before run. */
  config: Type<object>;
  /**
   * The resource type the step needs, named by its config class (the `config` its @ResourceType declares,
   * e.g. KafkaResourceConfig). The step registry maps the class to the registered type at boot and refuses
   * to start when no resource type declares it. `config.resourceId` must then name a resource of that
   * type: the engine resolves it and refuses the step otherwise, so the plugin's `ctx.resource` is there
   * and typed (declare the class as the context's second type parameter).
   */
  resource?: Type<object>;
  /** With `resource`: the step may also run without one (`resourceId` optional, as http with an absolute URL). */
  resourceOptional?: boolean;
  /** JSON Schema of the result, for `${step.response...}` completion and assertion paths in the UI. */
  resultSchema: Record<string, unknown>;
  /**
   * Extra validation on the raw (unsubstituted) config that a DTO cannot express, e.g. "no ${...} in
   * query text". Returns problems as {path relative to config, message}.
   */
  validateRaw?: (config: Record<string, unknown>) => Array<{ path: string; message: string }>;
  /**
   * Top-level config fields this type reads only when its result is awaited (a subscription's match
   * pattern), for `prepare` plugins run in the background. They may reference steps that come after the
   * step (deferred match): `prepare` gets the config without them and the engine hands them, substituted
   * once those steps have finished, to the function `prepare` returned.
   */
  lateFields?: readonly string[];
}

/**
 * What the engine hands a plugin for one attempt of one step. `TResourceConfig` is the config class of
 * the resource type the plugin declares (`resource` in @StepPlugin): `ctx.resource` is then present with
 * that config (`TResourceConfig | undefined` for a plugin with `resourceOptional`); without one it is
 * undefined.
 */
export interface StepContext<TConfig, TResourceConfig = never> {
  /** Config after `${...}` substitution and validation. */
  config: TConfig;
  /** The resolved resource, decrypted (secrets included: never log it). */
  resource: StepResourceOf<TResourceConfig>;
  /** Aborted on step timeout, execution cancel or worker shutdown; plugins must pass it to their I/O. */
  signal: AbortSignal;
  executionId: string;
  /** The run's correlation id: plugins that reach the system under test send it (http header, Kafka header). */
  correlationId: string;
  /** The run's W3C trace id (32 lowercase hex): plugins send it in a `traceparent` with a span id of their own. */
  traceId: string;
  stepName: string;
  /** Epoch ms when the execution started (e.g. Loki's "since the flow started"). */
  executionStartedAt: number;
  /** Deadline of this attempt in epoch ms (plugins with their own wait loop may use it). */
  deadline: number;
  /** Late fields left out of `config`, to be given to `prepare`'s complete function (see StepRunner.prepare). */
  deferredFields?: readonly string[];
  /** Paths of the step's assertions (as written), so a plugin can leave to them what it would fail on (graphql: `errors`). */
  assertedPaths?: readonly string[];
  log: (message: string) => void;
}

/** A resource as a plugin gets it, with its type's config. */
export interface StepResource<TResourceConfig extends object> {
  id: string;
  name: string;
  type: string;
  /** Version stamp; plugins key pooled clients by `${id}:${version}` so edits get fresh clients. */
  version: number;
  /** Decrypted and validated when saved; a stored config may predate a default its DTO declares. */
  config: TResourceConfig;
  /** Plaintext secret values of this resource, so the engine can redact them from stored requests. */
  secretValues?: string[];
}

/** A resource of any type, as the engine resolves it. */
export type ResolvedResource = StepResource<Record<string, unknown>>;

/** `never` (no resource) → undefined; `C` → StepResource<C>; `C | undefined` → StepResource<C> | undefined. */
export type StepResourceOf<TResourceConfig> = [TResourceConfig] extends [never] ? undefined : TResourceConfig extends object ? StepResource<TResourceConfig> : undefined;

/**
 * A plugin's result must be plain JSON: it is stored as the step's response and reachable through
 * `${step.response.<path>}` and assertions without per-type code.
 */
export type StepResult = Record<string, unknown>;

export interface StepRunner<TConfig = object, TResult extends StepResult = StepResult, TResourceConfig = never> {
  run(ctx: StepContext<TConfig, TResourceConfig>): Promise<TResult>;
  /**
   * Optional two-phase start for background steps that must be positioned before the flow moves on
   * (a Kafka subscription): `prepare` resolves once ready and returns the function that completes the
   * step. The engine awaits `prepare` before running the next step.
   *
   * With `ctx.deferredFields` set (the metadata's `lateFields` that reference later steps), `ctx.config`
   * lacks those fields; the engine calls `complete(late)` with them, substituted and validated, once the
   * steps they read have finished. Meanwhile the plugin keeps what arrives (and starts its own timeout
   * at `prepare`, as without deferral).
   */
  prepare?(ctx: StepContext<TConfig, TResourceConfig>): Promise<(late?: Partial<TConfig>) => Promise<TResult>>;
}

/** Any plugin as the engine holds it: the resource it gets is the one its metadata declares. */
export type AnyStepRunner = StepRunner<object, StepResult, object | undefined>;

/** A failure inside a step with a message a tester understands (not a stack trace). */
export class StepError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'StepError';
  }
}
