import 'reflect-metadata';
import { getMetadataStorage, validateSync, ValidationTypes } from 'class-validator';
import fc from 'fast-check';
import { EXAMPLE_FLOW_DEFINITION } from '../../flows/dto/flow-example';
import { FlowDefinitionDto, StepDto, UpdateFlowDto } from '../../flows/dto/flow-definition.dto';
import { DelayStepConfig } from '../../steps/delay/delay-step.config';
import { FlowStepConfig } from '../../steps/flow/flow-step.config';
import { HttpStepConfig } from '../../integrations/http/http-step.config';
import { KafkaPublishStepConfig } from '../../integrations/kafka/publish/kafka-publish-step.config';
import { KafkaSubscribeStepConfig } from '../../integrations/kafka/subscribe/kafka-subscribe-step.config';
import { LokiStepConfig } from '../../integrations/loki/loki-step.config';
import { PrometheusStepConfig } from '../../integrations/prometheus/prometheus-step.config';
import { RedisStepConfig } from '../../integrations/redis/redis-step.config';
import { SqlStepConfig } from '../../integrations/sql/sql-step.config';
import { dtoClassOf, plainToDto, prototypeKeyErrors } from './dto-input';
import { acceptorOf } from './fast-accept';

type Class = new (...args: never[]) => object;

/** What the callers run when the acceptor is not sure: class-validator with the flow/config options. */
function slowErrors(cls: Class, raw: unknown): number {
  const value = plainToDto(cls, raw, { enableImplicitConversion: false });
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length + prototypeKeyErrors(cls, raw).length;
}

const UUID = '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44';

const NOT_MODELLED: Class[] = [RedisStepConfig, PrometheusStepConfig, KafkaPublishStepConfig, LokiStepConfig];

/** Each class with a minimal valid object, which the generator mutates one or two fields at a time. */
const CLASSES: Array<[Class, Record<string, unknown>]> = [
  [FlowDefinitionDto, { name: 'f' }],
  [UpdateFlowDto, {}],
  [StepDto, { name: 'a', type: 'http', config: {} }],
  [HttpStepConfig, { url: '/x' }],
  [DelayStepConfig, { delayMs: 1 }],
  [FlowStepConfig, { flowId: UUID }],
  [KafkaPublishStepConfig, { resourceId: UUID, topic: 'orders', messages: [{ value: 1 }] }],
  [KafkaSubscribeStepConfig, { resourceId: UUID, topic: 'orders' }],
  [LokiStepConfig, { resourceId: UUID, labels: { app: 'a' } }],
  [PrometheusStepConfig, { resourceId: UUID, query: 'up', duration1: { relative: '30m' } }],
  [RedisStepConfig, { resourceId: UUID, operation: 'get', key: 'k' }],
  [SqlStepConfig, { resourceId: UUID, query: 'select 1' }],
];
const primitive = fc.oneof(
  fc.constantFrom('GET', 'a', '', ' ', 'orders', '${a.response.body.id}', UUID, 'http://h/x', 'equals', 'status', 'string', 'x'.repeat(70), 'a\u0000b'),
  fc.string({ maxLength: 6 }),
  fc.constantFrom(0, 1, 2, -1, 1.5, 100, 1000, 3_600_001, 2 ** 53, NaN),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const freeForm = fc.oneof(primitive, fc.array(primitive, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'constructor', '__proto__'), primitive, { maxKeys: 2 }));

function propertiesOf(cls: Class): Array<{ key: string; optional: boolean }> {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false, undefined);
  return [...new Set(metadata.map((m) => m.propertyName))].map((key) => ({
    key,
    optional: metadata.some((m) => m.propertyName === key && m.type === ValidationTypes.CONDITIONAL_VALIDATION),
  }));
}

/** Objects built mostly from the class's own property names, nested DTOs included, with stray keys and wrong types. */
function objectFor(cls: Class, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const keys = propertiesOf(cls);
  const entries = keys.map(({ key, optional }) => {
    const nested = dtoClassOf(cls, key, {});
    const value = nested && depth > 0 ? fc.oneof(objectFor(nested, depth - 1), fc.array(objectFor(nested, depth - 1), { maxLength: 3 }), primitive) : freeForm;
    // Required fields mostly present, optional ones mostly absent: valid objects come up often enough.
    const present = fc.oneof({ arbitrary: value, weight: optional ? 1 : 6 }, { arbitrary: fc.constant(undefined), weight: optional ? 4 : 1 });
    return present.map((v) => [key, v] as const);
  });
  const stray = fc.option(fc.tuple(fc.constantFrom('extra', 'constructor', 'toString', '__proto__', 'prototype'), primitive), { freq: 8, nil: undefined });
  return fc.tuple(fc.tuple(...entries), stray).map(([pairs, extra]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of pairs) if (v !== undefined) out[k] = v;
    if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
    return out;
  });
}

describe('acceptorOf', () => {
  it.each(CLASSES.map(([cls, base]) => [cls.name, cls, base] as const))('%s: accepts only what class-validator accepts', (_name, cls, base) => {
    expect(slowErrors(cls, base)).toBe(0);
    const compiled = acceptorOf(cls)(base);
    // @Transform on a field (redis, prometheus, kafka-publish, loki: scalars to strings) is not modelled: such a
    // class always takes class-validator's path.
    expect(compiled).toBe(!NOT_MODELLED.includes(cls));
    let accepted = 0;
    const mutated = fc
      .tuple(objectFor(cls, 2), fc.subarray(propertiesOf(cls).map((p) => p.key), { maxLength: Math.min(2, propertiesOf(cls).length) }))
      .map(([generated, keys]) => ({ ...base, ...Object.fromEntries(keys.map((k) => [k, generated[k]])) }));
    fc.assert(
      fc.property(fc.oneof(objectFor(cls, 2), mutated), (raw) => {
        // Through JSON, as a request body arrives (a "__proto__" key becomes an own data property).
        const input = JSON.parse(JSON.stringify(raw)) as unknown;
        if (acceptorOf(cls)(input)) {
          accepted++;
          expect(slowErrors(cls, input)).toBe(0);
        }
      }),
      { numRuns: 1500, seed: 21 },
    );
    // The generator must reach the accepting side at all, or the property above says nothing.
    if (compiled) expect(accepted).toBeGreaterThan(0);
  });

  it('accepts the documented example flow and a templated chain, as class-validator does', () => {
    const chain = {
      name: 'chain',
      steps: Array.from({ length: 50 }, (_, i) => ({
        name: `s${i}`,
        type: 'http',
        config: { url: `http://h/items/\${s${i - 1}.response.body.next}` },
        assertions: [
          { path: 'status', operator: 'equals', expected: 200 },
          { path: 'body.id', operator: 'equals', expected: i },
        ],
        retry: { maxRetries: 0 },
      })),
    };
    for (const doc of [EXAMPLE_FLOW_DEFINITION, chain]) {
      const input = JSON.parse(JSON.stringify(doc)) as unknown;
      expect(slowErrors(FlowDefinitionDto, input)).toBe(0);
      expect(acceptorOf(FlowDefinitionDto)(input)).toBe(true);
    }
    expect(acceptorOf(HttpStepConfig)({ url: 'http://h/x', method: 'POST', headers: { a: 'b' }, timeoutMs: 5 })).toBe(true);
  });

  it('is not sure about invalid or unusual input (the caller then reports with class-validator)', () => {
    const accept = acceptorOf(FlowDefinitionDto);
    expect(accept({ name: 'x', steps: [{ name: 'a', type: 'http', config: {}, extra: 1 }] })).toBe(false);
    expect(accept(JSON.parse('{"name":"x","__proto__":{}}'))).toBe(false);
    expect(accept({ name: 'x', steps: [{ name: '1a', type: 'http', config: {} }] })).toBe(false);
    expect(accept({ name: 'x', steps: [['nested array']] })).toBe(false);
    expect(accept({ name: 'x', steps: 'no' })).toBe(false);
    expect(accept([])).toBe(false);
    expect(accept(null)).toBe(false);
  });
});
