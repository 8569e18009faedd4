import type { PathSegment } from './value-path';

/** The root name that reads the allow-listed environment (`${env.NAME}`) instead of a variable. */
export const ENV_ROOT = 'env';

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
