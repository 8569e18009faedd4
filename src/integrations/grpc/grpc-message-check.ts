import * as protobuf from 'protobufjs';

/** How many problems one check reports before it stops (a wrong array of 10,000 items is one mistake). */
const MAX_PROBLEMS = 5;

const INTEGER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const FLOAT_TYPES = new Set(['double', 'float']);
const UNSIGNED = /^u|^fixed/;

/**
 * Checks a JSON request against its message type and returns it keyed by the proto field names, ready
 * for `Type.fromObject`. protobufjs' own conversion is lenient (it turns "abc" into 0 for an int32 and
 * drops unknown fields), which would send a different request than the tester wrote; this check says
 * instead which field is wrong and what it expected. Fields may be written with their proto name
 * (`order_id`) or their JSON name (`orderId`). Enums take their value name or number; bytes take base64;
 * 64-bit integers take a number or a decimal string.
 */
export function checkRequestMessage(type: protobuf.Type, value: unknown): { message: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const message = checkMessage(type, value, 'message', problems) ?? {};
  return { message, problems: problems.slice(0, MAX_PROBLEMS) };
}

function checkMessage(type: protobuf.Type, value: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object (message ${type.fullName.replace(/^\./, '')}), got ${describe(value)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const oneofsSet = new Map<string, string>();
  for (const [key, item] of Object.entries(value)) {
    if (problems.length >= MAX_PROBLEMS) break;
    const field = type.fields[key] ?? Object.values(type.fields).find((f) => jsonName(f) === key);
    const here = `${path}.${key}`;
    if (!field) {
      problems.push(`${here}: no such field in ${type.fullName.replace(/^\./, '')}; fields: ${Object.keys(type.fields).join(', ') || '(none)'}`);
      continue;
    }
    if (item === null) continue; // JSON null = the field is not set
    if (field.partOf) {
      const other = oneofsSet.get(field.partOf.name);
      if (other) problems.push(`${here}: ${other} is already set and both belong to oneof ${field.partOf.name}`);
      oneofsSet.set(field.partOf.name, field.name);
    }
    field.resolve();
    if (field.map) {
      out[field.name] = checkMap(field as unknown as protobuf.MapField, item, here, problems);
    } else if (field.repeated) {
      if (!Array.isArray(item)) problems.push(`${here}: expected an array (repeated ${field.type}), got ${describe(item)}`);
      else out[field.name] = item.map((element, index) => checkValue(field, element, `${here}[${index}]`, problems));
    } else {
      out[field.name] = checkValue(field, item, here, problems);
    }
  }
  return out;
}

function checkMap(field: protobuf.MapField, value: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object (map<${field.keyType}, ${field.type}>), got ${describe(value)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (field.keyType === 'bool' && key !== 'true' && key !== 'false') problems.push(`${path}: key "${key}" must be true or false`);
    if (field.keyType !== 'string' && field.keyType !== 'bool' && !/^-?\d+$/.test(key)) problems.push(`${path}: key "${key}" must be an integer (${field.keyType})`);
    out[key] = checkValue(field as unknown as protobuf.Field, item, `${path}.${key}`, problems);
  }
  return out;
}

function checkValue(field: protobuf.Field, value: unknown, path: string, problems: string[]): unknown {
  const expected = field.type;
  if (field.resolvedType instanceof protobuf.Type) return checkMessage(field.resolvedType, value, path, problems);
  if (field.resolvedType instanceof protobuf.Enum) {
    const values = field.resolvedType.values;
    if (typeof value === 'string' && Object.hasOwn(values, value)) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    problems.push(`${path}: expected one of ${Object.keys(values).join(', ')} (enum ${field.resolvedType.name}), got ${describe(value)}`);
    return value;
  }
  const fail = (what: string) => {
    problems.push(`${path}: expected ${what} (${expected}), got ${describe(value)}`);
    return value;
  };
  if (expected === 'string') return typeof value === 'string' ? value : fail('a string');
  if (expected === 'bool') return typeof value === 'boolean' ? value : fail('true or false');
  if (expected === 'bytes') return typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) ? value : fail('base64 text');
  if (FLOAT_TYPES.has(expected)) {
    if (typeof value === 'number' || (typeof value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(value))) return value;
    return fail('a number');
  }
  if (INTEGER_TYPES.has(expected)) {
    const unsigned = UNSIGNED.test(expected);
    if (typeof value === 'number' && Number.isInteger(value) && value >= (unsigned ? 0 : -(2 ** 31)) && value <= (unsigned ? 2 ** 32 - 1 : 2 ** 31 - 1)) return value;
    return fail(unsigned ? 'an integer from 0 to 4294967295' : 'an integer from -2147483648 to 2147483647');
  }
  if (LONG_TYPES.has(expected)) {
    const unsigned = UNSIGNED.test(expected);
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : undefined;
    if (text !== undefined && /^-?\d{1,20}$/.test(text)) {
      const big = BigInt(text);
      if (unsigned ? big >= 0n && big < 2n ** 64n : big >= -(2n ** 63n) && big < 2n ** 63n) return text;
    }
    return fail('a 64-bit integer (a number or a decimal string)');
  }
  return value;
}

/** protobufjs' camelCase of a field name, as proto3 JSON names it (order_id → orderId). */
function jsonName(field: protobuf.Field): string {
  return field.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
