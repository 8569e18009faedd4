import { Module } from '@nestjs/common';
import { GraphqlStep } from './graphql.step';

/** The `graphql` step, on the `http` resource type. AppConfig and EgressService are global. */
@Module({ providers: [GraphqlStep] })
export class GraphqlIntegrationModule {}
