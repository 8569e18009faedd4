import type { PathSegment } from './value-path';

/** The root name that reads the allow-listed environment (`${env.NAME}`) instead of a variable. */
export const ENV_ROOT = 'env';

/** The root that reads the running execution (`${execution.correlationId}`) instead of a variable. */
export const EXECUTION_ROOT = 'execution';

/** What `${execution.<field>}` may read; the engine fills them from the execution row. */
export const EXECUTION_FIELDS = ['id', 'correlationId', 'traceId', 'startedAt'] as const;
export type ExecutionField = (typeof EXECUTION_FIELDS)[number];

/** `order.response.body.id`, `user`, `env.API_URL`: a variable, step or `env` name and a plain path after it. */
export interface ReferenceNode {
  kind: 'reference';
  root: string;
  path: PathSegment[];
}

export interface CallNode {
  kind: 'call';
  name: string;
  args: ExpressionNode[];
}

/** Only as a function argument: `now("+5m")`, `randomInt(1, 6)`. */
export interface LiteralNode {
  kind: 'literal';
  value: string | number;
}

export type ExpressionNode = ReferenceNode | CallNode | LiteralNode;
