import { Module } from '@nestjs/common';
import { GrpcConnectionTester } from './grpc-connection.tester';
import { GrpcStep } from './grpc.step';

/** The gRPC integration: the `grpc` resource type (its connection tester) and the `grpc` step. */
@Module({ providers: [GrpcConnectionTester, GrpcStep] })
export class GrpcIntegrationModule {}
