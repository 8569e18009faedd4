import { Injectable } from '@nestjs/common';
import { ExecutionsService } from '../../executions/executions.service';
import { SuiteRunStore } from '../runs/suite-run-store';
import { toSuiteRunSummary } from '../runs/suite-run-view';
import { toExecutionReport } from './execution-report';
import type { ExecutionRunReport, SuiteRunReport } from './suite-run-report';

/** Reports of suite runs and single executions, as JSON; the controllers render JUnit XML from them. */
@Injectable()
export class SuiteReportsService {
  constructor(
    private readonly store: SuiteRunStore,
    private readonly executions: ExecutionsService,
  ) {}

  async suiteRunReport(teamId: string, suiteRunId: string): Promise<SuiteRunReport> {
    const run = await this.store.find(teamId, suiteRunId);
    const [items, executions] = await Promise.all([this.store.itemsOf(run.id), this.executions.listForSuiteRun(teamId, run.id)]);
    const byId = new Map(executions.map((e) => [e.id, e]));
    return {
      format: 'ats.suite-run-report',
      formatVersion: 1,
      generatedAt: new Date().toISOString(),
      suiteRun: toSuiteRunSummary(run),
      executions: items.filter((i) => byId.has(i.executionId)).map((i) => ({ position: i.position, ...toExecutionReport(byId.get(i.executionId)!) })),
    };
  }

  async executionReport(teamId: string, executionId: string): Promise<ExecutionRunReport> {
    const execution = await this.executions.get(teamId, executionId);
    return { format: 'ats.execution-report', formatVersion: 1, generatedAt: new Date().toISOString(), execution: toExecutionReport(execution) };
  }
}
