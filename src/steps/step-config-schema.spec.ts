import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { KafkaPublishStepConfig } from '../integrations/kafka/publish/kafka-publish-step.config';
import { KafkaSubscribeStepConfig } from '../integrations/kafka/subscribe/kafka-subscribe-step.config';
import { PrometheusStepConfig } from '../integrations/prometheus/prometheus-step.config';
import { stepConfigSchema } from './step-config-schema';

describe('stepConfigSchema', () => {
  const compile = (schema: object) => addFormats(new Ajv({ strict: true, allowUnionTypes: true })).compile(schema);

  it('defines the classes of nested arrays and objects inside the schema (no dangling $ref)', () => {
    const publish = stepConfigSchema(KafkaPublishStepConfig) as any;
    expect(publish.properties.messages.items).toEqual({ $ref: '#/definitions/KafkaPublishMessage' });
    expect(Object.keys(publish.definitions)).toEqual(['KafkaPublishMessage']);
    const subscribe = stepConfigSchema(KafkaSubscribeStepConfig) as any;
    expect(subscribe.properties.searchPattern).toEqual({ $ref: '#/definitions/KafkaSearchPattern' });
    for (const schema of [publish, subscribe, stepConfigSchema(PrometheusStepConfig)]) expect(() => compile(schema)).not.toThrow();
  });
});
