import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { queryJsonPath } from './json-path-query';
import { parseTimeOffset } from './time-offset';
import type { JsonTextCache } from './value-path';

export interface FunctionContext {
  /** Epoch ms; injectable so tests and replays can pin time. */
  now(): number;
  jsonCache: JsonTextCache;
}

export interface BuiltinFunction {
  /** How messages show it: `now(offset?)`. */
  signature: string;
  minArgs: number;
  maxArgs: number;
  /**
   * Problem with one argument, or undefined. Runs on literal arguments when the expression is parsed
   * (so a flow with `now("5 minutes")` is refused on save) and on every argument before the call.
   */
  checkArg?(index: number, value: unknown): string | undefined;
  call(args: readonly unknown[], context: FunctionContext): unknown;
}

/** Substituted configs are stored with every run, so a typo such as randomString(1e9) must not be honoured. */
export const MAX_RANDOM_STRING_LENGTH = 10_000;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** crypto.randomInt's limit on max - min. */
const MAX_RANDOM_RANGE = 2 ** 48 - 1;

const checkOffset = (index: number, value: unknown): string | undefined =>
  index === 0 && (typeof value !== 'string' || parseTimeOffset(value) === undefined)
    ? `the offset must be a string such as "+5m", "-1h", "+30s" or "+2d", got ${JSON.stringify(value)}`
    : undefined;

const checkJsonPathArg = (index: number, value: unknown): string | undefined =>
  index === 1 && (typeof value !== 'string' || !value.trimStart().startsWith('$'))
    ? `the second argument must be a JSONPath string starting with "$", got ${JSON.stringify(value)}`
    : undefined;

const offsetOf = (args: readonly unknown[]): number => (args.length ? parseTimeOffset(args[0] as string)! : 0);

const entries: Array<[string, BuiltinFunction]> = [
  ['uuid', { signature: 'uuid()', minArgs: 0, maxArgs: 0, call: () => randomUUID() }],
  [
    'now',
    {
      signature: 'now(offset?)',
      minArgs: 0,
      maxArgs: 1,
      checkArg: checkOffset,
      call: (args, context) => new Date(context.now() + offsetOf(args)).toISOString(),
    },
  ],
  [
    'nowMs',
    {
      signature: 'nowMs(offset?)',
      minArgs: 0,
      maxArgs: 1,
      checkArg: checkOffset,
      call: (args, context) => context.now() + offsetOf(args),
    },
  ],
  [
    'randomInt',
    {
      signature: 'randomInt(min, max)',
      minArgs: 2,
      maxArgs: 2,
      checkArg: (index, value) =>
        Number.isSafeInteger(value) ? undefined : `argument ${index + 1} must be an integer, got ${JSON.stringify(value)}`,
      call: ([min, max]) => {
        const low = min as number;
        const high = max as number;
        if (low > high) throw new Error(`min ${low} is greater than max ${high}`);
        if (high - low > MAX_RANDOM_RANGE) throw new Error(`the range may span at most ${MAX_RANDOM_RANGE} values`);
        return randomInt(low, high + 1);
      },
    },
  ],
  [
    'randomString',
    {
      signature: 'randomString(length)',
      minArgs: 1,
      maxArgs: 1,
      checkArg: (_index, value) =>
        Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RANDOM_STRING_LENGTH
          ? undefined
          : `the length must be an integer from 0 to ${MAX_RANDOM_STRING_LENGTH}, got ${JSON.stringify(value)}`,
      call: ([length]) => randomAlphanumeric(length as number),
    },
  ],
  [
    'jsonpath',
    {
      signature: 'jsonpath(value, path)',
      minArgs: 2,
      maxArgs: 2,
      checkArg: checkJsonPathArg,
      call: ([value, path], context) => {
        const matches = queryJsonPath(value, path as string, context.jsonCache);
        if (matches.length === 0) throw new Error(`JSONPath "${path as string}" matched nothing`);
        return matches[0];
      },
    },
  ],
  [
    'jsonpathAll',
    {
      signature: 'jsonpathAll(value, path)',
      minArgs: 2,
      maxArgs: 2,
      checkArg: checkJsonPathArg,
      call: ([value, path], context) => queryJsonPath(value, path as string, context.jsonCache),
    },
  ],
];

/** A Map, not an object, so `${constructor()}` is an unknown function rather than a prototype lookup. */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(entries);

export const BUILTIN_FUNCTION_NAMES: readonly string[] = Object.freeze([...BUILTIN_FUNCTIONS.keys()]);

/** Rejection sampling keeps every character equally likely (256 is not a multiple of 62). */
function randomAlphanumeric(length: number): string {
  const limit = 256 - (256 % ALPHANUMERIC.length);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length - result.length + 16)) {
      if (byte < limit) result += ALPHANUMERIC[byte % ALPHANUMERIC.length];
      if (result.length === length) break;
    }
  }
  return result;
}
