import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { scalarToString } from '../../steps/shared/step-config-validators';

export const REDIS_OPERATIONS = [
  'get',
  'set',
  'del',
  'exists',
  'expire',
  'ttl',
  'incr',
  'hget',
  'hset',
  'hgetall',
  'hdel',
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'llen',
  'lrange',
  'sadd',
  'smembers',
  'publish',
] as const;
export type RedisOperation = (typeof REDIS_OPERATIONS)[number];

/** Maximum TTL: ten years, far beyond any test. */
const MAX_TTL_SECONDS = 315_360_000;

/**
 * Config of a `redis` step: one command on a `redis` resource. Values that are not strings (objects,
 * numbers, booleans) are stored as their JSON text; for lpush/rpush/sadd an array value adds one
 * element per item.
 */
export class RedisStepConfig {
  @ApiProperty({ format: 'uuid', description: 'A `redis` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({ enum: REDIS_OPERATIONS, example: 'get' })
  @IsIn(REDIS_OPERATIONS)
  operation: RedisOperation;

  @ApiProperty({ example: 'order:${create.response.body.id}', description: 'The key (for publish: the channel)' })
  @Transform(({ value }) => scalarToString(value))
  @IsString() @MinLength(1) @MaxLength(1024)
  key: string;

  @ApiPropertyOptional({
    example: { status: 'PAID' },
    description: 'set, hset, lpush, rpush, sadd, publish: a string is stored as is, any other JSON value as its JSON text; lpush/rpush/sadd take an array for several elements',
  })
  @IsOptional()
  value?: unknown;

  @ApiPropertyOptional({ example: 'status', description: 'Hash field (hget, hset, hdel)' })
  @IsOptional()
  @Transform(({ value }) => scalarToString(value))
  @IsString() @MinLength(1) @MaxLength(1024)
  field?: string;

  @ApiPropertyOptional({ example: 60, description: 'Expiry in seconds (set: optional, expire: required)' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_TTL_SECONDS)
  ttlSeconds?: number;

  @ApiPropertyOptional({ example: 0, default: 0, description: 'lrange: first index (negative counts from the end)' })
  @IsOptional() @IsInt()
  start?: number;

  @ApiPropertyOptional({ example: -1, default: -1, description: 'lrange: last index, inclusive (-1 = the last element)' })
  @IsOptional() @IsInt()
  stop?: number;
}

/**
 * What each operation returns:
 * - get, hget, lpop, rpop: `value` (string, or null when missing) and `exists`;
 * - set: `value` (the stored string), `ttl` when ttlSeconds was given;
 * - del, hdel: `count` removed; exists: `exists` and `count` (0/1);
 * - expire: `exists` (false when the key does not exist) and `ttl`; ttl: `ttl` (-1 no expiry, -2 no key) and `exists`;
 * - incr: `count` (the new number) and `value` (the same as a string);
 * - hset: `count` of new fields; lpush, rpush: `count` = new list length; sadd: `count` added;
 * - llen: `count`; lrange: `values` (array) and `count`; smembers: `values` (sorted) and `count`;
 * - hgetall: `values` (field → string object), `count` of fields and `exists`;
 * - publish: `count` of subscribers that received the message.
 */
export interface RedisStepResult extends Record<string, unknown> {
  operation: RedisOperation;
  key: string;
  value?: string | null;
  values?: string[] | Record<string, string>;
  exists?: boolean;
  count?: number;
  ttl?: number;
}
