import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EgressService } from '../../egress/egress.service';
import type { ClientLease, ClientPool } from '../../resources/client-pool';
import { ResourcesService } from '../../resources/resources.service';
import { addCorrelationHeaders, SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/sql/until-aborted';
import { StepError, type ResolvedResource, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { callGrpc } from './grpc-call';
import { callMetadata } from './grpc-client';
import { GrpcConnection } from './grpc-connection';
import { GrpcDefinitionError, methodKind, type GrpcDefinitions } from './grpc-definitions';
import { checkRequestMessage } from './grpc-message-check';
import type { GrpcResourceConfig } from './grpc-resource-config.dto';
import { GRPC_STATUS_NAMES, grpcErrorText } from './grpc-status';
import { DEFAULT_MAX_MESSAGES, GrpcStepConfig, type GrpcStepResult } from './grpc-step.config';

const METADATA_SCHEMA = { type: 'object', additionalProperties: { type: 'string' }, description: 'Key → value (several values joined by ", "; -bin values as base64)' };

@StepPlugin({
  type: 'grpc',
  description:
    'Calls a unary or server-streaming gRPC method on a grpc resource (definitions from its .proto text or server reflection) with a JSON message, metadata and a deadline. A status other than expectStatus (default OK) fails the step.',
  config: GrpcStepConfig,
  resource: 'grpc',
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
export class GrpcStep implements StepRunner<GrpcStepConfig, GrpcStepResult>, OnModuleDestroy {
  private readonly connections: ClientPool<GrpcConnection, ResolvedResource>;

  constructor(resources: ResourcesService, egress: EgressService) {
    this.connections = resources.createClientPool<GrpcConnection>({
      create: (resource) => GrpcConnection.open(resource.config as unknown as GrpcResourceConfig, egress),
      close: (connection) => connection.close(),
    });
  }

  async run(ctx: StepContext<GrpcStepConfig>): Promise<GrpcStepResult> {
    const resource = ctx.resource;
    if (!resource || resource.type !== 'grpc') throw new StepError('this step needs a grpc resource: set resourceId to the id of one', { field: 'resourceId' });
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
      const requestType = method.resolvedRequestType!;
      const checked = checkRequestMessage(requestType, config.message ?? {});
      if (checked.problems.length) throw new StepError(`${call}: the message does not fit ${requestType.fullName.replace(/^\./, '')}: ${checked.problems.join('; ')}`, { field: 'message' });
      const request = requestType.encode(requestType.fromObject(checked.message)).finish();

      const stepMetadata = { ...config.metadata };
      const sent = addCorrelationHeaders(stepMetadata, config, ctx, 'lower');
      const resourceConfig = resource.config as unknown as GrpcResourceConfig;
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
      if (!outcome.truncated && !expected.includes(outcome.status.name)) {
        const { code, name, details } = outcome.status;
        const hint =
          name === 'UNAVAILABLE' && !expected.includes('UNAVAILABLE')
            ? ` (no connection to ${resourceConfig.address})`
            : expected.length === 1 && expected[0] === 'OK'
              ? ' (set expectStatus to assert on this status instead)'
              : `; expected ${expected.join(' or ')}`;
        throw new StepError(`${call} ended with ${name} (${code})${details && details !== name ? `: ${details}` : ''}${hint}`, { result, status: outcome.status });
      }
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
  private async findMethod(connection: GrpcConnection, ctx: StepContext<GrpcStepConfig>, deadline: number) {
    const { service, method } = ctx.config;
    const load = async (fresh: boolean): Promise<GrpcDefinitions> => {
      try {
        return await connection.load({ deadline, signal: ctx.signal, fresh });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        throw new StepError(`cannot load the service definitions of resource "${ctx.resource!.name}" by server reflection: ${grpcErrorText(error)}`);
      }
    };
    let definitions = await load(false);
    try {
      return definitions.method(service, method);
    } catch (error) {
      if (!(error instanceof GrpcDefinitionError)) throw error;
      if (connection.reflection && error.field === 'service') {
        definitions = await load(true);
        try {
          return definitions.method(service, method);
        } catch (again) {
          error = again;
        }
      }
      const problem = error as GrpcDefinitionError;
      throw new StepError(`resource "${ctx.resource!.name}": ${problem.message}`, { field: problem.field });
    }
  }
}

function failure(error: unknown, ctx: StepContext<unknown>, what: string): StepError {
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason);
    return new StepError(`${what}: aborted (${reason})`);
  }
  if (error instanceof StepError) return error;
  return new StepError(`${what}: ${(error as Error)?.message ?? String(error)}`);
}
