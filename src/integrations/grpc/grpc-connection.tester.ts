import { Injectable } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { callGrpc } from './grpc-call';
import { callMetadata, grpcEgressTargets } from './grpc-client';
import { GrpcConnection } from './grpc-connection';
import { GrpcResourceConfig, grpcSecretFields } from './grpc-resource-config.dto';
import { grpcErrorText } from './grpc-status';

/** grpc.health.v1 Check, the probe of a proto-defined resource: any answer from a gRPC server proves the channel works. */
const HEALTH = protobuf.parse(
  'syntax = "proto3"; package grpc.health.v1; service Health { rpc Check (HealthCheckRequest) returns (HealthCheckResponse); }' +
    ' message HealthCheckRequest { string service = 1; }' +
    ' message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }',
  { keepCase: true },
).root;

/** Statuses that mean the server answered as a gRPC server (whatever it thinks of a health check). */
const REACHED = new Set<number>([status.OK, status.UNIMPLEMENTED, status.NOT_FOUND]);

@ResourceType({
  type: 'grpc',
  description: 'gRPC server: address, TLS, call metadata, service definitions from .proto text or server reflection',
  config: GrpcResourceConfig,
  secrets: grpcSecretFields,
  addressFields: ['address'],
  egressTargets: (config) => grpcEgressTargets(config as GrpcResourceConfig),
  example: {
    address: 'orders.internal:50051',
    tls: { rejectUnauthorized: true },
    reflection: true,
    metadata: { authorization: 'Bearer change-me', 'x-tenant': 'acme' },
  },
})
@Injectable()
export class GrpcConnectionTester implements ResourceConnectionTester<GrpcResourceConfig> {
  /**
   * With reflection: list the services (proves the channel, TLS, metadata and reflection at once). With
   * proto text: a grpc.health.v1 Check; UNIMPLEMENTED still proves a gRPC server answered.
   */
  async test(config: GrpcResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const connection = await GrpcConnection.open(config, egress);
    const deadline = Date.now() + timeoutMs;
    try {
      if (connection.reflection) {
        const definitions = await connection.load({ deadline, signal }).catch((error: unknown) => {
          throw new Error(`server reflection failed: ${grpcErrorText(error)}`);
        });
        return { services: definitions.services };
      }
      const definitions = await connection.load({ deadline, signal });
      const method = HEALTH.lookupService('grpc.health.v1.Health').methods.Check;
      method.resolve();
      const outcome = await callGrpc({ client: connection.client, method, request: new Uint8Array(), metadata: callMetadata(config.metadata), deadline, signal, maxMessages: 1 });
      if (outcome.status.code === status.UNAVAILABLE) throw new Error(`UNAVAILABLE: cannot reach ${config.address}: ${outcome.status.details}`);
      if (!REACHED.has(outcome.status.code)) throw new Error(`${outcome.status.name}: ${outcome.status.details}`);
      const health = outcome.status.code === status.OK ? String(outcome.messages[0]?.status ?? 'UNKNOWN') : 'not offered';
      return { services: definitions.services, health };
    } finally {
      connection.close();
    }
  }
}
