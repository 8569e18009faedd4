import type { FlowDefaults, FlowOutputs, StepDefinition, VariableDeclaration } from './flow-definition';
import type { FlowVersion } from './flow-version.entity';
import type { Flow } from './flow.entity';

/** What the API answers for one flow: the header plus the latest version's content. */
export interface FlowSummaryView {
  id: string;
  name: string;
  description: string;
  tags: string[];
  version: number;
  stepTypes: string[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface FlowView extends FlowSummaryView {
  variables: VariableDeclaration[];
  steps: StepDefinition[];
  outputs: FlowOutputs;
  defaults: FlowDefaults;
}

export interface FlowVersionView {
  flowId: string;
  flowName: string;
  version: number;
  restoredFrom: number | null;
  variables: VariableDeclaration[];
  steps: StepDefinition[];
  outputs: FlowOutputs;
  defaults: FlowDefaults;
  createdBy: string | null;
  createdAt: Date;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function toSummaryView(flow: Flow): FlowSummaryView {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description,
    tags: flow.tags,
    version: flow.latestVersion,
    stepTypes: flow.stepTypes,
    createdBy: flow.createdBy,
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

export function toFlowView(flow: Flow, version: FlowVersion): FlowView {
  return { ...toSummaryView(flow), variables: version.variables, steps: version.steps, outputs: version.outputs ?? {}, defaults: version.defaults ?? {} };
}

export function toVersionView(flow: Flow, version: FlowVersion): FlowVersionView {
  return {
    flowId: flow.id,
    flowName: flow.name,
    version: version.version,
    restoredFrom: version.restoredFrom,
    variables: version.variables,
    steps: version.steps,
    outputs: version.outputs ?? {},
    defaults: version.defaults ?? {},
    createdBy: version.createdBy,
    createdAt: version.createdAt,
  };
}
