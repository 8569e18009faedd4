import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TEST_KAFKA_BROKERS } from '../support/test-env';

// Proves the broker used by the Kafka step tests is real: a message goes through it and back.
describe('Kafka broker (real, KRaft)', () => {
  const kafka = new Kafka({ clientId: 'smoke', brokers: TEST_KAFKA_BROKERS, logLevel: logLevel.NOTHING });

  it('produces and consumes a message through a consumer group', async () => {
    const topic = `smoke-${randomBytes(4).toString('hex')}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value: JSON.stringify({ hello: 'kafka' }) }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `smoke-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 20 s')), 20000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value!.toString());
        },
      });
    });
    await consumer.disconnect();
    expect(JSON.parse(received)).toEqual({ hello: 'kafka' });
  });
});
