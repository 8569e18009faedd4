import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { ExecutionsService } from '../../executions/executions.service';
import { SuiteRunItem } from './suite-run-item.entity';
import { type SuiteRunView, toSuiteRunView } from './suite-run-view';
import { SuiteRun } from './suite-run.entity';

/** Reads of suite runs and their items, shared by the run service, reports and notifications. */
@Injectable()
export class SuiteRunStore {
  constructor(
    @InjectRepository(SuiteRun) readonly runs: Repository<SuiteRun>,
    @InjectRepository(SuiteRunItem) readonly items: Repository<SuiteRunItem>,
    private readonly executions: ExecutionsService,
  ) {}

  /** 404 for a missing run or another team's. */
  async find(teamId: string, id: string): Promise<SuiteRun> {
    const run = isUUID(id) ? await this.runs.findOne({ where: { id, teamId } }) : null;
    if (!run) throw AppException.notFound('Suite run');
    return run;
  }

  itemsOf(suiteRunId: string): Promise<SuiteRunItem[]> {
    return this.items.find({ where: { suiteRunId }, order: { position: 'ASC' } });
  }

  async view(teamId: string, id: string): Promise<SuiteRunView> {
    const run = await this.find(teamId, id);
    const [items, executions] = await Promise.all([this.itemsOf(run.id), this.executions.listForSuiteRun(teamId, run.id, { withSteps: false })]);
    return toSuiteRunView(run, items, executions);
  }

  /** Team of a run, for stream authorisation; undefined when it does not exist. */
  async teamOf(id: string): Promise<string | undefined> {
    if (!isUUID(id)) return undefined;
    return (await this.runs.findOne({ where: { id }, select: { id: true, teamId: true } }))?.teamId;
  }
}
