import type Redis from 'ioredis';
import { StepError } from '../../steps/step-plugin';
import type { RedisStepConfig, RedisStepResult } from './redis-step.config';

/** Redis stores strings: a string value is kept as is, any other JSON value as its JSON text. */
export function toRedisString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** lpush/rpush/sadd: an array adds one element per item, anything else one element. */
function toElements(value: unknown): string[] {
  return Array.isArray(value) ? value.map(toRedisString) : [toRedisString(value)];
}

/** Runs the config's command and shapes the reply (see RedisStepResult for each operation's fields). */
export async function runRedisOperation(redis: Redis, config: RedisStepConfig): Promise<RedisStepResult> {
  const { operation, key } = config;
  const base = { operation, key };
  const field = () => required(config.field, 'field', operation);
  const value = () => required(config.value, 'value', operation);
  switch (operation) {
    case 'get': {
      const found = await redis.get(key);
      return { ...base, value: found, exists: found !== null };
    }
    case 'set': {
      const stored = toRedisString(value());
      if (config.ttlSeconds !== undefined) {
        await redis.set(key, stored, 'EX', config.ttlSeconds);
        return { ...base, value: stored, ttl: config.ttlSeconds };
      }
      await redis.set(key, stored);
      return { ...base, value: stored };
    }
    case 'del':
      return { ...base, count: await redis.del(key) };
    case 'exists': {
      const count = await redis.exists(key);
      return { ...base, exists: count > 0, count };
    }
    case 'expire': {
      const ttlSeconds = required(config.ttlSeconds, 'ttlSeconds', operation);
      const set = await redis.expire(key, ttlSeconds);
      return { ...base, exists: set === 1, ttl: set === 1 ? ttlSeconds : -2 };
    }
    case 'ttl': {
      const ttl = await redis.ttl(key);
      return { ...base, ttl, exists: ttl !== -2 };
    }
    case 'incr': {
      const count = await redis.incr(key);
      return { ...base, count, value: String(count) };
    }
    case 'hget': {
      const found = await redis.hget(key, field());
      return { ...base, value: found, exists: found !== null };
    }
    case 'hset':
      return { ...base, count: await redis.hset(key, field(), toRedisString(value())) };
    case 'hgetall': {
      const values = await redis.hgetall(key);
      const count = Object.keys(values).length;
      return { ...base, values, count, exists: count > 0 };
    }
    case 'hdel':
      return { ...base, count: await redis.hdel(key, field()) };
    case 'lpush':
      return { ...base, count: await redis.lpush(key, ...toElements(value())) };
    case 'rpush':
      return { ...base, count: await redis.rpush(key, ...toElements(value())) };
    case 'lpop': {
      const popped = await redis.lpop(key);
      return { ...base, value: popped, exists: popped !== null };
    }
    case 'rpop': {
      const popped = await redis.rpop(key);
      return { ...base, value: popped, exists: popped !== null };
    }
    case 'llen':
      return { ...base, count: await redis.llen(key) };
    case 'lrange': {
      const values = await redis.lrange(key, config.start ?? 0, config.stop ?? -1);
      return { ...base, values, count: values.length };
    }
    case 'sadd':
      return { ...base, count: await redis.sadd(key, ...toElements(value())) };
    case 'smembers': {
      // Redis returns members in no particular order; sorted, assertions on `values[0]` are stable.
      const values = (await redis.smembers(key)).sort();
      return { ...base, values, count: values.length };
    }
    case 'publish':
      return { ...base, count: await redis.publish(key, toRedisString(value())) };
    default:
      throw new StepError(`operation: "${String(operation)}" is not supported`, { field: 'operation' });
  }
}

function required<T>(value: T | undefined | null, field: string, operation: string): T {
  if (value === undefined || value === null) throw new StepError(`${field}: is required for operation ${operation}`, { field });
  return value;
}
