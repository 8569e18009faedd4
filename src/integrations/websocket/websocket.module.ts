import { Module } from '@nestjs/common';
import { WebSocketConnectionTester } from './websocket-connection.tester';
import { WebSocketStep } from './websocket.step';

/** The `websocket` resource type (its tester, found by discovery) and the `websocket` step. EgressService is global. */
@Module({ providers: [WebSocketConnectionTester, WebSocketStep] })
export class WebSocketIntegrationModule {}
