import { IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import type { DiscoveryService } from '@nestjs/core';
import { loadConfig } from '../../config/load-config';
import { StepRegistry, type ResourceTypeLookup } from '../../steps/step-registry.service';
import type { FlowResourceCatalog } from '../resources/flow-resource-catalog';
import type { SubFlowChecks } from './sub-flow-checks';
import { FlowValidator } from './flow-validator.service';

class FakeTopicConfig {
  @IsUUID() resourceId: string;
  @IsString() topic: string;
  @IsOptional() @IsInt() @Min(1) @Max(10) partitions?: number;
}

class FakeWaitConfig {
  @IsInt() @Min(0) ms: number;
}

/** Stands for a resource type's config class: the registry links it to the type 'kafka'. */
class FakeKafkaResourceConfig {}

const KAFKA_ID = '11111111-1111-4111-8111-111111111111';
const SQL_ID = '22222222-2222-4222-8222-222222222222';
const TEAM = 'team-1';

function validator(): FlowValidator {
  const resourceTypes: ResourceTypeLookup = { typeOfConfig: (config) => (config === FakeKafkaResourceConfig ? 'kafka' : undefined), types: () => ['kafka'] };
  const registry = new StepRegistry(undefined as unknown as DiscoveryService, resourceTypes);
  const runner = { run: () => Promise.resolve({}) };
  registry.register({ type: 'fake-topic', description: 'test', config: FakeTopicConfig, resource: FakeKafkaResourceConfig, resultSchema: {} }, runner);
  registry.register(
    {
      type: 'fake-wait',
      description: 'test',
      config: FakeWaitConfig,
      resultSchema: {},
      validateRaw: (config) => (config.ms === 13 ? [{ path: '/ms', message: 'unlucky' }] : []),
    },
    runner,
  );
  const types: Record<string, Record<string, string>> = { [TEAM]: { [KAFKA_ID]: 'kafka', [SQL_ID]: 'sql' } };
  const resources: FlowResourceCatalog = {
    typeOf: (teamId, id) => Promise.resolve(types[teamId]?.[id] ?? null),
    findByNames: () => Promise.resolve([]),
    namesByIds: () => Promise.resolve(new Map()),
  };
  // No flow steps in these flows: the sub-flow checks never reach the database.
  const subFlows = { check: () => Promise.resolve([]) } as unknown as SubFlowChecks;
  return new FlowValidator(registry, resources, subFlows, loadConfig({ NODE_ENV: 'test', FLOW_ENV_ALLOWLIST: 'ORDERS_URL' }));
}

const topicStep = (name: string, config: Record<string, unknown>) => ({ name, type: 'fake-topic', config });
const waitStep = (name: string, ms: unknown = 5) => ({ name, type: 'fake-wait', config: { ms } });

describe('FlowValidator', () => {
  it('accepts function calls in variable defaults and refuses anything they would have to read', async () => {
    const problems = await validator().checkContent(TEAM, {
      variables: [
        { name: 'id', type: 'string', default: 'o-${uuid()}' },
        { name: 'n', type: 'number', default: '${randomInt(1, 6)}' },
        { name: 'copy', type: 'string', default: '${id}' },
        { name: 'broken', type: 'string', default: '${nope()}' },
      ],
      steps: [],
    });
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/variables/2/default', '${id}: a default can only call functions (uuid(), now(), ...); it is evaluated once when the run is created, before any step'],
      ['/variables/3/default', expect.stringContaining('unknown function "nope"')],
    ]);
  });

  it('accepts a valid flow', async () => {
    const problems = await validator().checkContent(TEAM, {
      variables: [{ name: 'topic', type: 'string', default: 'orders' }],
      steps: [topicStep('events', { resourceId: KAFKA_ID, topic: '${topic}' }), waitStep('pause')],
    });
    expect(problems).toEqual([]);
  });

  it("reports the plugin's config problems under /steps/<i>/config", async () => {
    const problems = await validator().checkContent(TEAM, {
      steps: [waitStep('pause'), topicStep('events', { resourceId: KAFKA_ID, topic: 42, partitions: 99, extra: true })],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: '/steps/1/config/topic', field: '/steps/1/config/topic', message: 'topic must be a string' },
        { pointer: '/steps/1/config/partitions', field: '/steps/1/config/partitions', message: 'partitions must not be greater than 10' },
        { pointer: '/steps/1/config/extra', field: '/steps/1/config/extra', message: 'property extra should not exist' },
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it("runs the plugin's raw checks", async () => {
    const problems = await validator().checkContent(TEAM, { steps: [waitStep('pause', 13)] });
    expect(problems).toEqual([{ pointer: '/steps/0/config/ms', field: '/steps/0/config/ms', message: 'unlucky' }]);
  });

  it('defers type checks of ${...} values to run time', async () => {
    const problems = await validator().checkContent(TEAM, { variables: [{ name: 'ms', type: 'number' }], steps: [waitStep('pause', '${ms}')] });
    expect(problems).toEqual([]);
  });

  it('rejects unknown step types and lists the registered ones', async () => {
    const [p] = await validator().checkContent(TEAM, { steps: [{ name: 'x', type: 'carrier-pigeon', config: {} }] });
    expect(p.pointer).toBe('/steps/0/type');
    expect(p.message).toBe('unknown step type "carrier-pigeon"; registered types: fake-topic, fake-wait');
  });

  it('checks the resource exists in the team and has the type the plugin declares', async () => {
    const v = validator();
    const missing = '33333333-3333-4333-8333-333333333333';
    const problems = await v.checkContent(TEAM, {
      variables: [{ name: 'kafkaId', type: 'string' }],
      steps: [
        topicStep('a', { resourceId: missing, topic: 't' }),
        topicStep('b', { resourceId: SQL_ID, topic: 't' }),
        topicStep('c', { resourceId: '${kafkaId}', topic: 't' }),
      ],
    });
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/steps/0/config/resourceId', `resource ${missing} does not exist in this team`],
      ['/steps/1/config/resourceId', `resource ${SQL_ID} is a sql resource; a fake-topic step needs a kafka resource`],
      ['/steps/2/config/resourceId', 'resourceId must be the id of a kafka resource of this team (references are not allowed here)'],
    ]);
    // Another team's resource is not found, exactly like a missing one.
    const foreign = await v.checkContent('team-2', { steps: [topicStep('a', { resourceId: KAFKA_ID, topic: 't' })] });
    expect(foreign[0].message).toBe(`resource ${KAFKA_ID} does not exist in this team`);
  });

  it('enforces unique, unreserved step and variable names', async () => {
    const problems = await validator().checkContent(TEAM, {
      variables: [
        { name: 'x', type: 'string' },
        { name: 'x', type: 'string' },
        { name: 'env', type: 'string' },
      ],
      steps: [waitStep('a'), waitStep('a'), waitStep('x'), waitStep('env')],
    });
    expect(problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/variables/1/name', 'duplicate variable name "x" (also /variables/0)'],
      ['/variables/2/name', '"env" is reserved (${env.NAME} reads the environment)'],
      ['/steps/1/name', 'duplicate step name "a" (also /steps/0)'],
      ['/steps/2/name', '"x" is also a variable name; ${x...} could not tell them apart'],
      ['/steps/3/name', '"env" is reserved (${env.NAME} reads the environment)'],
      ['/steps/3/name', '"env" is also a variable name; ${env...} could not tell them apart'],
    ]);
  });

  it('checks that variable defaults match their type', async () => {
    const problems = await validator().checkContent(TEAM, {
      variables: [
        { name: 's', type: 'string', default: 1 },
        { name: 'n', type: 'number', default: '1' },
        { name: 'b', type: 'boolean', default: 'true' },
        { name: 'j', type: 'json', default: { any: ['thing'] } },
        { name: 'none', type: 'number' },
      ],
      steps: [],
    });
    expect(problems.map((p) => p.pointer)).toEqual(['/variables/0/default', '/variables/1/default', '/variables/2/default']);
  });

  it('limits a config to 64 KB', async () => {
    const [p] = await validator().checkContent(TEAM, { steps: [{ name: 'big', type: 'fake-wait', config: { ms: 1, pad: 'x'.repeat(70_000) } }] });
    expect(p.pointer).toBe('/steps/0/config');
    expect(p.message).toMatch(/the limit is 65536/);
  });

  it('reports duplicate step ids', async () => {
    const problems = await validator().checkContent(TEAM, { steps: [{ id: 's1', ...waitStep('a') }, { id: 's1', ...waitStep('b') }] });
    expect(problems.map((p) => p.pointer)).toEqual(['/steps/1/id']);
  });

  it('combines plugin, reference and resource problems in one answer', async () => {
    const problems = await validator().checkContent(TEAM, {
      steps: [topicStep('events', { topic: '${later.response.body.topic}' }), waitStep('later', -1)],
    });
    expect(problems.map((p) => p.pointer).sort()).toEqual(['/steps/0/config/resourceId', '/steps/0/config/topic', '/steps/1/config/ms']);
  });
});
