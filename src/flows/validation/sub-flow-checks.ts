import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import { pointerOf, problem, type FlowProblem } from '../../flow-language/flow-problem';
import { MAX_FLOW_NESTING, SUB_FLOW_STEP_TYPE } from '../../steps/child-flow-runner';
import { findCycle, longestChainFrom, longestChainTo, type FlowCallGraph } from './flow-call-graph';

/** Stands for a flow being created: it has no id yet, so nothing can call it. */
const NEW_FLOW = 'new flow';

interface TeamFlowRow {
  id: string;
  name: string;
  latest_version: number;
  calls: string[];
}

/**
 * Save-time rules of `flow` steps, over the team's call graph (latest versions of the called flows):
 * the called flow exists in the same team (and has the pinned version), calling it closes no cycle
 * (self-calls included), and no chain of calls through the saved flow nests deeper than
 * MAX_FLOW_NESTING. Two concurrent saves can still race past this; the engine's run-time depth check
 * (from the parent chain) is the backstop that keeps such a cycle from recursing without end.
 */
@Injectable()
export class SubFlowChecks {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async check(teamId: string, steps: ReadonlyArray<Record<string, unknown>>, flowId?: string): Promise<FlowProblem[]> {
    const calls = steps
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => step.type === SUB_FLOW_STEP_TYPE && isPlainObject(step.config) && typeof step.config.flowId === 'string' && isUUID(step.config.flowId));
    if (!calls.length) return [];
    const rows = await this.teamFlows(teamId);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const self = flowId ?? NEW_FLOW;
    const callees = calls.map(({ step }) => (step.config as Record<string, unknown>).flowId as string).filter((id) => byId.has(id) || id === self);
    const graph: FlowCallGraph = new Map([
      ...rows.map((r) => [r.id, { name: r.name, calls: r.calls }] as const),
      [self, { name: byId.get(self)?.name ?? 'this flow', calls: callees }],
    ]);
    const nameOf = (id: string) => (id === self ? (byId.get(self)?.name ?? 'this flow') : (graph.get(id)?.name ?? id));
    const above = flowId ? longestChainTo(graph, self).length - 1 : 0;
    const problems: FlowProblem[] = [];
    for (const { step, index } of calls) {
      const config = step.config as Record<string, unknown>;
      const callee = config.flowId as string;
      const at = pointerOf('', 'steps', index, 'config', 'flowId');
      const target = byId.get(callee);
      if (callee !== self && !target) {
        problems.push(problem(at, `flow ${callee} not found in this team (a flow step calls a flow of the same team)`));
        continue;
      }
      const cycle = callee === self ? [self, self] : findCycle(graph, self, callee);
      if (cycle) {
        problems.push(problem(at, `calling "${nameOf(callee)}" makes a cycle: ${cycle.map((id) => `"${nameOf(id)}"`).join(' → ')}; a flow cannot call itself, directly or through others`));
        continue;
      }
      if (typeof config.version === 'number' && target && config.version > target.latest_version) {
        problems.push(problem(pointerOf('', 'steps', index, 'config', 'version'), `flow "${target.name}" has no version ${config.version} (its latest is ${target.latest_version})`));
      }
      const below = longestChainFrom(graph, callee, new Set([self]));
      const depth = above + below.length;
      if (depth > MAX_FLOW_NESTING) {
        const chain = [...(flowId ? longestChainTo(graph, self) : [self]), ...below];
        problems.push(
          problem(at, `calling "${nameOf(callee)}" nests sub-flows ${depth} levels deep (${chain.map((id) => `"${nameOf(id)}"`).join(' → ')}); at most ${MAX_FLOW_NESTING} are allowed`),
        );
      }
    }
    return problems;
  }

  /** Every live flow of the team with the flows its latest version calls: one statement. */
  private teamFlows(teamId: string): Promise<TeamFlowRow[]> {
    return this.db.query(
      `SELECT f.id, f.name, f.latest_version,
              COALESCE((SELECT jsonb_agg(s->'config'->>'flowId') FROM jsonb_array_elements(v.steps) s
                         WHERE s->>'type' = $2 AND jsonb_typeof(s->'config'->'flowId') = 'string'), '[]'::jsonb) AS calls
         FROM flows f JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.latest_version
        WHERE f.team_id = $1 AND f.deleted_at IS NULL`,
      [teamId, SUB_FLOW_STEP_TYPE],
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
