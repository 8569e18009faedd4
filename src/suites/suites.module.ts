import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecutionsModule } from '../executions/executions.module';
import { FlowsModule } from '../flows/flows.module';
import { SuiteRunUpdatePublisher } from './live/suite-run-update.publisher';
import { SuiteNotificationsService } from './notifications/suite-notifications.service';
import { SuiteWebhook } from './notifications/suite-webhook.entity';
import { WebhookDelivery } from './notifications/webhook-delivery.entity';
import { WebhookDeliveryService } from './notifications/webhook-delivery.service';
import { WebhookSecretCipher } from './notifications/webhook-secret-cipher';
import { WebhooksService } from './notifications/webhooks.service';
import { SuiteReportsService } from './reports/suite-reports.service';
import { SuiteRunItem } from './runs/suite-run-item.entity';
import { SuiteRunOrchestrator } from './runs/suite-run-orchestrator.service';
import { SuiteRunStore } from './runs/suite-run-store';
import { SuiteRun } from './runs/suite-run.entity';
import { SuiteRunsService } from './runs/suite-runs.service';
import { SuiteSchedulesService } from './schedules/suite-schedules.service';
import { Suite } from './suite.entity';
import { SuiteRetentionStore } from './suite-retention.store';
import { SuitesService } from './suites.service';

/**
 * Suites, suite runs, reports, schedules and webhooks without HTTP routes or queue consumers, so both
 * the API and the worker load it. Loading it registers the execution-finished listener that drives
 * suite runs — in the worker (executions finishing) and in the API (executions cancelled before start).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Suite, SuiteRun, SuiteRunItem, SuiteWebhook, WebhookDelivery]), ExecutionsModule, FlowsModule],
  providers: [
    SuitesService,
    SuiteSchedulesService,
    SuiteRunStore,
    SuiteRunOrchestrator,
    SuiteRunsService,
    SuiteRunUpdatePublisher,
    SuiteReportsService,
    SuiteNotificationsService,
    WebhookSecretCipher,
    WebhooksService,
    WebhookDeliveryService,
    SuiteRetentionStore,
  ],
  exports: [
    SuitesService,
    SuiteSchedulesService,
    SuiteRunStore,
    SuiteRunsService,
    SuiteRunUpdatePublisher,
    SuiteReportsService,
    WebhooksService,
    WebhookDeliveryService,
    SuiteRetentionStore,
  ],
})
export class SuitesModule {}
