import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { preparedQuery } from '../../database/prepared-query';
import type { FlowDefaults, FlowOutputs, FlowVersionSnapshot, StepDefinition, VariableDeclaration } from '../flow-definition';

/** Versions are int4 in Postgres; anything outside cannot exist (and would make the cast fail). */
const MAX_VERSION = 2 ** 31 - 1;

/** Immutable versions kept by the worker; a few hundred flows' definitions are a few MB at most. */
const PINNED_CACHE_SIZE = 500;

/** What new runs' recently pinned versions may hold: entries, and steps over all of them (memory). */
const RECENT_CACHE_SIZE = 500;
const RECENT_CACHE_STEPS = 20_000;

interface SnapshotRow {
  id: string;
  team_id: string;
  name: string;
  latest_version: number;
  version: number | null;
  variables: VariableDeclaration[] | null;
  steps: StepDefinition[] | null;
  outputs: FlowOutputs | null;
  defaults: FlowDefaults | null;
}

/**
 * Reads the definition a run executes, on the hot path of every run: one statement instead of the
 * two TypeORM lookups of the CRUD code (flow header, then version), and in the worker no statement at
 * all once a version is cached — versions are immutable, so a cached copy can never be stale.
 */
@Injectable()
export class FlowVersionReader {
  private readonly pinned = new Map<string, FlowVersionSnapshot>();
  /** recentForNewRun's memory, least recently used first; `recentSteps` counts the steps it holds. */
  private readonly recent = new Map<string, FlowVersionSnapshot>();
  private recentSteps = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The version a new run pins: the latest when `version` is absent. 404 for a missing or deleted flow. */
  async forNewRun(teamId: string, flowId: string, version?: number): Promise<FlowVersionSnapshot> {
    if (!isUUID(flowId)) throw AppException.notFound('Flow');
    const wanted = version ?? null;
    const validVersion = wanted === null || (Number.isSafeInteger(wanted) && wanted >= 1 && wanted <= MAX_VERSION);
    // Prepared (named): parsed and planned once per connection, not on every run request.
    const [row] = await preparedQuery<SnapshotRow>(
      this.db,
      'flow-version-for-new-run',
      `SELECT f.id, f.team_id, f.name, f.latest_version, v.version, v.variables, v.steps, v.outputs, v.defaults
         FROM flows f
         LEFT JOIN flow_versions v ON v.flow_id = f.id AND v.version = COALESCE($3::int, f.latest_version)
        WHERE f.id = $1 AND f.team_id = $2 AND f.deleted_at IS NULL`,
      [flowId, teamId, validVersion ? wanted : -1],
    );
    if (!row) throw AppException.notFound('Flow');
    if (row.version === null) throw AppException.notFound(`Flow version ${version ?? row.latest_version}`);
    return toSnapshot(row);
  }

  /**
   * forNewRun from memory when this process answered it before: the run request's second statement
   * saved. The answer may be stale — a newer version saved, the flow renamed or deleted since — so the
   * caller must insert the run with the check of ExecutionsRepository.insertPending (`pinCheck`), which
   * refuses in the same statement what forNewRun would not pin now, then forgetForNewRun and read again.
   */
  async recentForNewRun(teamId: string, flowId: string, version?: number): Promise<FlowVersionSnapshot> {
    const key = recentKey(teamId, flowId, version);
    const known = this.recent.get(key);
    if (known) {
      this.recent.delete(key); // to the most recently used end
      this.recent.set(key, known);
      return known;
    }
    const snapshot = await this.forNewRun(teamId, flowId, version);
    this.remember(key, snapshot);
    return snapshot;
  }

  /** Drops what recentForNewRun remembers for this request (its insert found it stale). */
  forgetForNewRun(teamId: string, flowId: string, version?: number): void {
    this.forgetKey(recentKey(teamId, flowId, version));
  }

  private remember(key: string, snapshot: FlowVersionSnapshot): void {
    if (snapshot.steps.length > RECENT_CACHE_STEPS / 10) return; // a huge flow would push out many others
    this.forgetKey(key);
    while (this.recent.size && (this.recent.size >= RECENT_CACHE_SIZE || this.recentSteps + snapshot.steps.length > RECENT_CACHE_STEPS)) {
      this.forgetKey(this.recent.keys().next().value!);
    }
    this.recent.set(key, snapshot);
    this.recentSteps += snapshot.steps.length;
  }

  private forgetKey(key: string): void {
    const known = this.recent.get(key);
    if (!known) return;
    this.recent.delete(key);
    this.recentSteps -= known.steps.length;
  }

  /**
   * The version an accepted execution pinned, for the worker. Deliberately ignores a later soft delete
   * of the flow: the run was accepted against this immutable definition, and a queued or resumed run
   * behaves the same whether or not someone deleted the flow meanwhile.
   */
  async pinnedVersion(teamId: string, flowId: string, version: number): Promise<FlowVersionSnapshot> {
    const key = `${flowId}:${version}`;
    const cached = this.pinned.get(key);
    if (cached && cached.teamId === teamId) return cached;
    const [row] = await preparedQuery<SnapshotRow>(
      this.db,
      'flow-version-pinned',
      `SELECT f.id, f.team_id, f.name, f.latest_version, v.version, v.variables, v.steps, v.outputs, v.defaults
         FROM flow_versions v JOIN flows f ON f.id = v.flow_id
        WHERE v.flow_id = $1 AND v.version = $2 AND f.team_id = $3`,
      [flowId, version, teamId],
    );
    if (!row) throw AppException.notFound(`Flow version ${version}`);
    const snapshot = toSnapshot(row);
    if (this.pinned.size >= PINNED_CACHE_SIZE) this.pinned.delete(this.pinned.keys().next().value!);
    this.pinned.set(key, snapshot);
    return snapshot;
  }
}

/** recentForNewRun's key: a run request of this team for this flow and version (or the latest). */
function recentKey(teamId: string, flowId: string, version: number | undefined): string {
  return `${teamId}:${flowId}:${version ?? 'latest'}`;
}

function toSnapshot(row: SnapshotRow): FlowVersionSnapshot {
  return {
    flowId: row.id,
    teamId: row.team_id,
    flowName: row.name,
    version: row.version!,
    variables: row.variables ?? [],
    steps: row.steps ?? [],
    outputs: row.outputs ?? {},
    defaults: row.defaults ?? {},
  };
}
