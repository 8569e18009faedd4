import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type * as protobuf from 'protobufjs';
import { EgressService } from '../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../resources/client-pool';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepClientPools } from '../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { callGrpc } from './grpc-call';
import { callMetadata } from './grpc-client';
import { GrpcConnection } from './grpc-connection';
import { GrpcDefinitionError, methodKind, type GrpcDefinitions } from './grpc-definitions';
import { checkRequestMessage } from './grpc-message-check';
import { GrpcResourceConfig } from './grpc-resource-config.dto';
import { GRPC_STATUS_NAMES, grpcErrorText } from './grpc-status';
import { DEFAULT_MAX_MESSAGES, GrpcStepConfig, type GrpcStepResult } from './grpc-step.config';

const METADATA_SCHEMA = { type: 'object', additionalProperties: { type: 'string' }, description: 'Key → value (several values joined by ", "; -bin values as base64)' };

@StepPlugin({
  type: 'grpc',
  description:
    'Calls a unary or server-streaming gRPC method on a grpc resource (definitions from its .proto text or server reflection) with a JSON message, metadata and a deadline. A status other than expectStatus (default OK) fails the step.',
  config: GrpcStepConfig,
  resource: GrpcResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      status: {
        type: 'object',
        properties: {
          code: { type: 'integer', minimum: 0 },
          name: { type: 'string', enum: [...GRPC_STATUS_NAMES] },
          details: { type: 'string', description: 'The status message the server sent' },
        },
        required: ['code', 'name', 'details'],
      },
      message: { type: ['object', 'null'], description: 'Unary: the response as JSON (proto field names, enums by name, 64-bit integers and bytes as strings); null on a non-OK status' },
      messages: { type: 'array', items: { type: 'object' }, description: 'Server streaming: the responses received, at most maxMessages' },
      messageCount: { type: 'integer', description: 'Server streaming: number of messages received' },
      truncated: { type: 'boolean', description: 'Server streaming: true when the step stopped reading at maxMessages (the call is then cancelled)' },
      metadata: { ...METADATA_SCHEMA, description: 'Response headers (initial metadata)' },
      trailers: { ...METADATA_SCHEMA, description: 'Response trailers' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['status', 'metadata', 'trailers'],
  },
})
@Injectable()
export class GrpcStep implements StepRunner<GrpcStepConfig, GrpcStepResult, GrpcResourceConfig>, OnModuleDestroy {
  private readonly connections: ClientPool<GrpcConnection, StepResource<GrpcResourceConfig>>;

  constructor(pools: StepClientPools, egress: EgressService) {
    this.connections = pools.create<GrpcConnection, GrpcResourceConfig>({
      create: (resource) => GrpcConnection.open(resource.config, egress),
      close: (connection) => connection.close(),
    });
  }

  async run(ctx: StepContext<GrpcStepConfig, GrpcResourceConfig>): Promise<GrpcStepResult> {
    const resource = ctx.resource;
    const { config } = ctx;
    const call = `gRPC ${config.service}/${config.method} on resource "${resource.name}"`;
    const acquiring = this.connections.acquire(resource);
    let lease: ClientLease<GrpcConnection>;
    try {
      lease = await untilAborted(acquiring, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) void acquiring.then((late) => late.release(), () => undefined);
      throw failure(error, ctx, `cannot connect for ${call}`);
    }
    try {
      const deadline = Math.min(ctx.deadline, config.deadlineMs ? Date.now() + config.deadlineMs : Infinity);
      const method = await this.findMethod(lease.client, ctx, deadline);
      if (method.requestStream) throw new StepError(`${call}: method ${config.method} is ${methodKind(method)}; the grpc step calls unary and server-streaming methods`, { field: 'method' });
      const request = encodeRequest(method, config.message ?? {}, call);
      const stepMetadata = { ...config.metadata };
      const sent = addCorrelationHeaders(stepMetadata, config, ctx, 'lower');
      const resourceConfig = resource.config;
      const outcome = await callGrpc({
        client: lease.client.client,
        method,
        request,
        metadata: callMetadata(resourceConfig.metadata, stepMetadata),
        deadline,
        signal: ctx.signal,
        maxMessages: config.maxMessages ?? DEFAULT_MAX_MESSAGES,
      });
      if (ctx.signal.aborted) throw failure(undefined, ctx, call);
      const result: GrpcStepResult = {
        status: outcome.status,
        ...(method.responseStream ? { messages: outcome.messages, messageCount: outcome.messages.length, truncated: outcome.truncated } : { message: outcome.messages[0] ?? null }),
        metadata: outcome.metadata,
        trailers: outcome.trailers,
        ...(sent && { sent }),
      };
      const expected = config.expectStatus ?? ['OK'];
      // A stream cut at maxMessages ends CANCELLED by the step's own doing: it is read as far as asked.
      if (!outcome.truncated && !expected.includes(outcome.status.name)) throw statusFailure(call, result, expected, resourceConfig.address);
      return result;
    } catch (error) {
      throw failure(error, ctx, call);
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.connections.closeAll();
  }

  /** The method from the resource's definitions; with reflection, a service not found is asked for once more. */
  private async findMethod(connection: GrpcConnection, ctx: StepContext<GrpcStepConfig, GrpcResourceConfig>, deadline: number): Promise<protobuf.Method> {
    const { service, method } = ctx.config;
    const load = async (fresh: boolean): Promise<GrpcDefinitions> => {
      try {
        return await connection.load({ deadline, signal: ctx.signal, fresh });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        throw new StepError(`cannot load the service definitions of resource "${ctx.resource.name}" by server reflection: ${grpcErrorText(error)}`);
      }
    };
    const find = (definitions: GrpcDefinitions): protobuf.Method | GrpcDefinitionError => {
      try {
        return definitions.method(service, method);
      } catch (error) {
        if (error instanceof GrpcDefinitionError) return error;
        throw error;
      }
    };
    let found = find(await load(false));
    if (found instanceof GrpcDefinitionError && found.field === 'service' && connection.reflection) found = find(await load(true));
    if (found instanceof GrpcDefinitionError) throw new StepError(`resource "${ctx.resource.name}": ${found.message}`, { field: found.field });
    return found;
  }
}

/** The request as protobuf bytes, after checking the JSON against the request type (a StepError naming each wrong field). */
function encodeRequest(method: protobuf.Method, message: Record<string, unknown>, call: string): Uint8Array {
  const type = method.resolvedRequestType!;
  const checked = checkRequestMessage(type, message);
  if (checked.problems.length) throw new StepError(`${call}: the message does not fit ${type.fullName.replace(/^\./, '')}: ${checked.problems.join('; ')}`, { field: 'message' });
  return type.encode(type.fromObject(checked.message)).finish();
}

/** A status the step did not expect: the error says what came and what would have passed; the result is kept as the response. */
function statusFailure(call: string, result: GrpcStepResult, expected: string[], address: string): StepError {
  const { code, name, details } = result.status;
  const hint =
    name === 'UNAVAILABLE'
      ? ` (no connection to ${address})`
      : expected.length === 1 && expected[0] === 'OK'
        ? ' (set expectStatus to assert on this status instead)'
        : `; expected ${expected.join(' or ')}`;
  return new StepError(`${call} ended with ${name} (${code})${details && details !== name ? `: ${details}` : ''}${hint}`, { result, status: result.status });
}

function failure(error: unknown, ctx: StepContext<unknown, GrpcResourceConfig>, what: string): StepError {
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason);
    return new StepError(`${what}: aborted (${reason})`);
  }
  if (error instanceof StepError) return error;
  return new StepError(`${what}: ${(error as Error)?.message ?? String(error)}`);
}
