import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { EgressService } from '../../egress/egress.service';
import type { ClientPool } from '../../resources/client-pool';
import { redisClientOptions } from './redis-client-options';
import { RedisResourceConfig } from './redis-resource-config.dto';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepClientPools } from '../../steps/step-client-pools';
import { StepError, type StepContext, type StepResource, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { checkRedisStepConfig } from './redis-config-checks';
import { runRedisOperation } from './redis-operations';
import { REDIS_OPERATIONS, RedisStepConfig, type RedisStepResult } from './redis-step.config';

@StepPlugin({
  type: 'redis',
  description:
    'Runs one Redis command (get, set, del, exists, expire, ttl, incr, hget, hset, hgetall, hdel, lpush, rpush, lpop, rpop, llen, lrange, sadd, smembers, publish) on a redis resource. Non-string values are stored as JSON text; values come back as strings.',
  config: RedisStepConfig,
  resource: RedisResourceConfig,
  validateRaw: checkRedisStepConfig,
  resultSchema: {
    type: 'object',
    properties: {
      operation: { type: 'string', enum: [...REDIS_OPERATIONS] },
      key: { type: 'string' },
      value: { type: ['string', 'null'], description: 'get, hget, lpop, rpop: the value (null when missing); set: the stored string; incr: the new number as text' },
      values: { description: 'lrange, smembers (sorted): array of strings; hgetall: field → value object' },
      exists: { type: 'boolean' },
      count: { type: 'integer', description: 'del/hdel removed, hset/sadd added, lpush/rpush/llen list length, publish receivers, incr new value, lrange/smembers/hgetall sizes' },
      ttl: { type: 'integer', description: 'Seconds; -1 without expiry, -2 when the key does not exist' },
    },
    required: ['operation', 'key'],
  },
})
@Injectable()
export class RedisStep implements StepRunner<RedisStepConfig, RedisStepResult, RedisResourceConfig>, OnModuleDestroy {
  private readonly clients: ClientPool<Redis, StepResource<RedisResourceConfig>>;

  constructor(pools: StepClientPools, egress: EgressService) {
    this.clients = pools.create<Redis, RedisResourceConfig>({
      create: async (resource) => {
        const client = new Redis({
          ...(await redisClientOptions(resource.config, egress)),
          connectionName: 'ats-redis-step',
          connectTimeout: 10_000,
          // Fail the step instead of queueing its command while the server is unreachable.
          maxRetriesPerRequest: 1,
        });
        client.on('error', () => undefined); // reconnects on its own; the command reports the failure
        return client;
      },
      close: async (client) => {
        await client.quit().catch(() => client.disconnect());
      },
    });
  }

  async run(ctx: StepContext<RedisStepConfig, RedisResourceConfig>): Promise<RedisStepResult> {
    const resource = ctx.resource;
    const lease = await this.clients.acquire(resource);
    try {
      // Redis commands cannot be withdrawn once sent; on abort the step stops waiting for the reply.
      return await untilAborted(runRedisOperation(lease.client, ctx.config), ctx.signal);
    } catch (error) {
      throw describeRedisError(error, ctx, resource.name);
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.clients.closeAll();
  }
}

function describeRedisError(error: unknown, ctx: StepContext<RedisStepConfig, RedisResourceConfig>, resourceName: string): StepError {
  if (error instanceof StepError) return error;
  const command = `${ctx.config.operation} ${ctx.config.key}`;
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason);
    return new StepError(`redis ${command} aborted on resource "${resourceName}" (${reason})`);
  }
  const message = (error as Error)?.message ?? String(error);
  if (message.startsWith('WRONGTYPE')) {
    return new StepError(`redis ${command} failed on resource "${resourceName}": the key holds another type of value (${message})`, { reason: 'wrong-type' });
  }
  if (/max retries per request|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Connection is closed/i.test(message)) {
    return new StepError(`cannot reach Redis on resource "${resourceName}": ${message}`, { reason: 'connection' });
  }
  return new StepError(`redis ${command} failed on resource "${resourceName}": ${message}`);
}
