// The ordered list of schema migrations (files in the top-level migrations/ folder). Listed explicitly
// rather than globbed so that the same list works from compiled JS, under Jest and in the TypeORM CLI.
import { InitialSchema1764250000000 } from '../../migrations/1764250000000-initial-schema';
import { Identity1764250100000 } from '../../migrations/1764250100000-identity';
import { Resources1764250200000 } from '../../migrations/1764250200000-resources';
import { Flows1764250300000 } from '../../migrations/1764250300000-flows';
import { Executions1764250400000 } from '../../migrations/1764250400000-executions';
import { Suites1764250500000 } from '../../migrations/1764250500000-suites';
import { PendingExecutionsIndex1764250600000 } from '../../migrations/1764250600000-pending-executions-index';
import { ExecutionHeartbeat1764250700000 } from '../../migrations/1764250700000-execution-heartbeat';
import { TeamFairShare1764250900000 } from '../../migrations/1764250900000-team-fair-share';
import { RetentionAndStoredBytes1764251000000 } from '../../migrations/1764251000000-retention-and-stored-bytes';
import { FlowRunSemantics1764251100000 } from '../../migrations/1764251100000-flow-run-semantics';
import { SubFlows1764251200000 } from '../../migrations/1764251200000-sub-flows';
import { ExecutionCorrelation1764251300000 } from '../../migrations/1764251300000-execution-correlation';
import { ExecutionStatsIndexes1764251500000 } from '../../migrations/1764251500000-execution-stats-indexes';
import { AlertTriggers1764251600000 } from '../../migrations/1764251600000-alert-triggers';
import { ExecutionRerun1764251700000 } from '../../migrations/1764251700000-execution-rerun';
import { SubFlowChildrenHoldNoTeamSlot1764251800000 } from '../../migrations/1764251800000-sub-flow-children-hold-no-team-slot';
import { StatsSkipReusedSteps1764251900000 } from '../../migrations/1764251900000-stats-skip-reused-steps';
import { StepLogs1764252000000 } from '../../migrations/1764252000000-step-logs';
import { Lz4ToastCompression1764252100000 } from '../../migrations/1764252100000-lz4-toast-compression';

// Keep in timestamp order, one per line.
export const MIGRATIONS = [
  InitialSchema1764250000000,
  Identity1764250100000,
  Resources1764250200000,
  Flows1764250300000,
  Executions1764250400000,
  Suites1764250500000,
  PendingExecutionsIndex1764250600000,
  ExecutionHeartbeat1764250700000,
  TeamFairShare1764250900000,
  RetentionAndStoredBytes1764251000000,
  FlowRunSemantics1764251100000,
  SubFlows1764251200000,
  ExecutionCorrelation1764251300000,
  ExecutionStatsIndexes1764251500000,
  AlertTriggers1764251600000,
  ExecutionRerun1764251700000,
  SubFlowChildrenHoldNoTeamSlot1764251800000,
  StatsSkipReusedSteps1764251900000,
  StepLogs1764252000000,
  Lz4ToastCompression1764252100000,
];
