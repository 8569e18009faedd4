import { AppConfig } from '../config/app-config';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { QueryFailedError, type Repository } from 'typeorm';
import { AppException, type FieldProblem } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { FlowVersionSnapshot } from '../flows/flow-definition';
import { FlowsService } from '../flows/flows.service';
import type { TeamContext } from '../identity/tenancy/principal';
import type { CreateSuiteDto, ListSuitesQuery, UpdateSuiteDto } from './dto/suite.dto';
import type { ScheduleDto } from './schedules/schedule.dto';
import { checkSchedule } from './schedules/cron-schedule';
import { type ScheduleView, SuiteSchedulesService } from './schedules/suite-schedules.service';
import type { SuiteEntry, SuiteVariable } from './suite-definition';
import { resolveEntryVariables, uniqueProblems } from './suite-variables';
import { type SuiteView, toSuiteView } from './suite-view';
import { Suite } from './suite.entity';

const NAME_CONSTRAINT = 'suites_team_name_uq';

/** An entry checked against its flow: the exact version to run and the merged variables. */
export interface ResolvedEntry {
  position: number;
  flow: FlowVersionSnapshot;
  variables: SuiteVariable[];
}

/** Test suites: an ordered list of flows with variables, run mode and schedule. */
@Injectable()
export class SuitesService {
  constructor(
    @InjectRepository(Suite) private readonly suites: Repository<Suite>,
    private readonly flows: FlowsService,
    private readonly schedules: SuiteSchedulesService,
    private readonly config: AppConfig,
  ) {}

  async create(team: TeamContext, dto: CreateSuiteDto): Promise<SuiteView> {
    const entries = normalizeEntries(dto.entries);
    const variables = dto.variables ?? [];
    await this.resolveEntries(team.teamId, entries, [{ field: 'variables', variables }]);
    const suite = await this.save(
      this.suites.create({
        teamId: team.teamId,
        name: dto.name.trim(),
        description: dto.description ?? '',
        entries,
        variables,
        mode: dto.mode ?? 'parallel',
        failFast: dto.failFast ?? false,
        maxParallel: dto.maxParallel ?? 5,
        enabled: dto.enabled ?? true,
        tags: [...new Set(dto.tags ?? [])],
        scheduleCron: null,
        scheduleTimezone: null,
        scheduleEnabled: false,
        createdBy: team.userId,
      }),
    );
    return toSuiteView(suite, null);
  }

  async list(teamId: string, query: ListSuitesQuery): Promise<{ items: SuiteView[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const qb = this.suites.createQueryBuilder('s').where('s.teamId = :teamId', { teamId });
    if (query.q) qb.andWhere(`s.name ILIKE :q ESCAPE '\\'`, { q: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    if (query.tag) qb.andWhere('s.tags @> ARRAY[:tag]::text[]', { tag: query.tag });
    const [rows, total] = await qb.orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    const items = await Promise.all(rows.map(async (s) => toSuiteView(s, await this.schedules.view(s))));
    return { items, total, page, pageSize };
  }

  async get(teamId: string, id: string): Promise<SuiteView> {
    const suite = await this.find(teamId, id);
    return toSuiteView(suite, await this.schedules.view(suite, true));
  }

  /** The stored suite (for runs inside this module). 404 for a missing suite or another team's. */
  async find(teamId: string, id: string): Promise<Suite> {
    const suite = isUUID(id) ? await this.suites.findOne({ where: { id, teamId } }) : null;
    if (!suite) throw AppException.notFound('Suite');
    return suite;
  }

  async update(team: TeamContext, id: string, dto: UpdateSuiteDto): Promise<SuiteView> {
    const suite = await this.find(team.teamId, id);
    if (dto.entries !== undefined) suite.entries = normalizeEntries(dto.entries);
    if (dto.variables !== undefined) suite.variables = dto.variables;
    if (dto.entries !== undefined || dto.variables !== undefined) {
      await this.resolveEntries(team.teamId, suite.entries, [{ field: 'variables', variables: suite.variables }]);
    }
    if (dto.name !== undefined) suite.name = dto.name.trim();
    if (dto.description !== undefined) suite.description = dto.description;
    if (dto.mode !== undefined) suite.mode = dto.mode;
    if (dto.failFast !== undefined) suite.failFast = dto.failFast;
    if (dto.maxParallel !== undefined) suite.maxParallel = dto.maxParallel;
    if (dto.enabled !== undefined) suite.enabled = dto.enabled;
    if (dto.tags !== undefined) suite.tags = [...new Set(dto.tags)];
    const saved = await this.save(suite);
    // Enabling or disabling the suite starts or stops its schedule; other edits leave the scheduler alone.
    if (dto.enabled !== undefined) await this.schedules.sync(saved);
    return toSuiteView(saved, await this.schedules.view(saved, true));
  }

  async remove(teamId: string, id: string): Promise<void> {
    const suite = await this.find(teamId, id);
    const [active] = await this.suites.query(`SELECT 1 FROM suite_runs WHERE suite_id = $1 AND status = 'IN_PROGRESS' LIMIT 1`, [suite.id]);
    if (active) throw AppException.conflict('The suite has a run in progress; cancel it first');
    await this.schedules.remove(suite.id);
    await this.suites.delete({ id: suite.id, teamId });
  }

  async getSchedule(teamId: string, id: string): Promise<ScheduleView> {
    const schedule = await this.schedules.view(await this.find(teamId, id), true);
    if (!schedule) throw AppException.notFound('Schedule');
    return schedule;
  }

  async setSchedule(teamId: string, id: string, dto: ScheduleDto): Promise<ScheduleView> {
    const suite = await this.find(teamId, id);
    const timezone = dto.timezone ?? 'UTC';
    const { problems } = checkSchedule(dto.cron, timezone, Date.now(), this.config.SCHEDULE_MIN_INTERVAL_SEC);
    if (problems.length) throw AppException.validation(problems);
    suite.scheduleCron = dto.cron.trim();
    suite.scheduleTimezone = timezone;
    suite.scheduleEnabled = dto.enabled ?? true;
    const saved = await this.suites.save(suite);
    await this.schedules.sync(saved);
    return (await this.schedules.view(saved, true))!;
  }

  async deleteSchedule(teamId: string, id: string): Promise<void> {
    const suite = await this.find(teamId, id);
    suite.scheduleCron = null;
    suite.scheduleTimezone = null;
    suite.scheduleEnabled = false;
    await this.suites.save(suite);
    await this.schedules.remove(suite.id);
  }

  /** Suites whose schedule should be active (workers restore missing schedulers at startup). */
  scheduledSuites(): Promise<Suite[]> {
    return this.suites.createQueryBuilder('s').where('s.enabled AND s.scheduleEnabled AND s.scheduleCron IS NOT NULL').getMany();
  }

  /**
   * Checks every entry against its flow — it exists in the team, the pinned version exists, and the
   * layered variables satisfy the flow's declarations — and answers one 400 listing every problem
   * (`entries.2.flowId`, `entries.2.variables`, ...). Used on save and again when a run starts.
   */
  async resolveEntries(
    teamId: string,
    entries: readonly SuiteEntry[],
    layers: ReadonlyArray<{ field: string; variables: readonly SuiteVariable[] }>,
    runLayer?: { field: string; variables: readonly SuiteVariable[] },
  ): Promise<ResolvedEntry[]> {
    const problems: FieldProblem[] = [];
    const resolved: ResolvedEntry[] = [];
    const lookups = new Map<string, Promise<FlowVersionSnapshot>>();
    for (const [position, entry] of entries.entries()) {
      const key = `${entry.flowId}@${entry.version ?? 'latest'}`;
      if (!lookups.has(key)) lookups.set(key, this.flows.getVersionForRun(teamId, entry.flowId, entry.version ?? undefined));
      let flow: FlowVersionSnapshot;
      try {
        flow = await lookups.get(key)!;
      } catch (error) {
        if (!(error instanceof AppException) || error.code !== ErrorCode.NOT_FOUND) throw error;
        problems.push(
          error.message.startsWith('Flow version')
            ? { field: `entries.${position}.version`, message: `the flow has no version ${entry.version}` }
            : { field: `entries.${position}.flowId`, message: 'flow not found in this team' },
        );
        continue;
      }
      const entryLayers = [...layers, { field: `entries.${position}.variables`, variables: entry.variables }, ...(runLayer ? [runLayer] : [])];
      const result = resolveEntryVariables(flow.variables, entryLayers, `entries.${position}`, flow.flowName);
      problems.push(...result.problems);
      resolved.push({ position, flow, variables: result.variables });
    }
    if (problems.length) throw AppException.validation(uniqueProblems(problems));
    return resolved;
  }

  private async save(suite: Suite): Promise<Suite> {
    try {
      return await this.suites.save(suite);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string })?.constraint === NAME_CONSTRAINT) {
        throw AppException.conflict('name: a suite with this name already exists in the team');
      }
      throw error;
    }
  }
}

function normalizeEntries(entries: ReadonlyArray<{ flowId: string; version?: number | null; variables?: SuiteVariable[] }>): SuiteEntry[] {
  return entries.map((e) => ({ flowId: e.flowId, version: e.version ?? null, variables: (e.variables ?? []).map((v) => ({ ...v })) }));
}
