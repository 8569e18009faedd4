import type { ScheduleView } from './schedules/suite-schedules.service';
import type { SuiteEntry, SuiteMode, SuiteVariable } from './suite-definition';
import type { Suite } from './suite.entity';

export interface SuiteView {
  id: string;
  teamId: string;
  name: string;
  description: string;
  entries: SuiteEntry[];
  variables: SuiteVariable[];
  mode: SuiteMode;
  failFast: boolean;
  maxParallel: number;
  enabled: boolean;
  tags: string[];
  schedule: ScheduleView | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toSuiteView(suite: Suite, schedule: ScheduleView | null): SuiteView {
  return {
    id: suite.id,
    teamId: suite.teamId,
    name: suite.name,
    description: suite.description,
    entries: suite.entries,
    variables: suite.variables,
    mode: suite.mode,
    failFast: suite.failFast,
    maxParallel: suite.maxParallel,
    enabled: suite.enabled,
    tags: suite.tags,
    schedule,
    createdBy: suite.createdBy,
    createdAt: suite.createdAt,
    updatedAt: suite.updatedAt,
  };
}
