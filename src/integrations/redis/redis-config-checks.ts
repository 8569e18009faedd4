import type { RawProblem } from '../../steps/shared/step-config-validators';
import { REDIS_OPERATIONS, type RedisOperation } from './redis-step.config';

type OperationField = 'value' | 'field' | 'ttlSeconds' | 'start' | 'stop';

const OPERATION_FIELDS: Record<RedisOperation, { required?: OperationField[]; optional?: OperationField[] }> = {
  get: {},
  set: { required: ['value'], optional: ['ttlSeconds'] },
  del: {},
  exists: {},
  expire: { required: ['ttlSeconds'] },
  ttl: {},
  incr: {},
  hget: { required: ['field'] },
  hset: { required: ['field', 'value'] },
  hgetall: {},
  hdel: { required: ['field'] },
  lpush: { required: ['value'] },
  rpush: { required: ['value'] },
  lpop: {},
  rpop: {},
  llen: {},
  lrange: { optional: ['start', 'stop'] },
  sadd: { required: ['value'] },
  smembers: {},
  publish: { required: ['value'] },
};

const ALL_FIELDS: OperationField[] = ['value', 'field', 'ttlSeconds', 'start', 'stop'];
export const MULTI_VALUE: readonly RedisOperation[] = ['lpush', 'rpush', 'sadd'];
const MAX_ELEMENTS = 10_000;

/**
 * The fields each operation needs, and those it would silently ignore (almost always a mistake, such
 * as ttlSeconds on get). An operation still written as `${...}` is checked after substitution.
 */
export function checkRedisStepConfig(raw: Record<string, unknown>): RawProblem[] {
  const operation = raw.operation;
  if (typeof operation !== 'string' || !(REDIS_OPERATIONS as readonly string[]).includes(operation)) return [];
  const op = operation as RedisOperation;
  const { required = [], optional = [] } = OPERATION_FIELDS[op];
  const problems: RawProblem[] = [];
  for (const field of required) {
    if (raw[field] === undefined || (field === 'value' && raw[field] === null)) problems.push({ path: `/${field}`, message: `is required for operation ${op}` });
  }
  for (const field of ALL_FIELDS) {
    if (raw[field] === undefined || required.includes(field) || optional.includes(field)) continue;
    const users = REDIS_OPERATIONS.filter((o) => [...(OPERATION_FIELDS[o].required ?? []), ...(OPERATION_FIELDS[o].optional ?? [])].includes(field));
    problems.push({ path: `/${field}`, message: `is not used by operation ${op} (only by ${users.join(', ')})` });
  }
  // For set/hset/publish an array is one value (stored as JSON text); for lpush/rpush/sadd, its items are the elements.
  if (Array.isArray(raw.value) && MULTI_VALUE.includes(op)) {
    if (raw.value.length === 0) problems.push({ path: '/value', message: `must not be an empty array for operation ${op}` });
    else if (raw.value.length > MAX_ELEMENTS) problems.push({ path: '/value', message: `must have at most ${MAX_ELEMENTS} items` });
  }
  return problems;
}
