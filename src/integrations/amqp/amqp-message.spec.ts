import type { ConsumeMessage } from 'amqplib';
import { headersAsText, MAX_BODY_BYTES, toDelivery } from './amqp-message';

const message = (content: Buffer, properties: Record<string, unknown> = {}): ConsumeMessage =>
  ({ content, fields: { exchange: 'orders', routingKey: 'order.created', redelivered: false, deliveryTag: 1, consumerTag: 'c' }, properties: { headers: {}, ...properties } }) as unknown as ConsumeMessage;

describe('amqp deliveries', () => {
  it('parse JSON objects, keep other bodies as text, and show publisher properties and the message timestamp', () => {
    const json = toDelivery(message(Buffer.from('{"orderId":"o-1"}'), { contentType: 'application/json', messageId: 'm', timestamp: 1_800_000_000, deliveryMode: 2 }), 0);
    expect(json.text).toBe('{"orderId":"o-1"}');
    expect(json.toResult()).toEqual({
      value: { orderId: 'o-1' }, headers: {}, timestamp: new Date(1_800_000_000_000).toISOString(), exchange: 'orders', routingKey: 'order.created', redelivered: false,
      properties: { contentType: 'application/json', messageId: 'm', deliveryMode: 2 }, size: 17,
    });
    const text = toDelivery(message(Buffer.from('42')), 5_000).toResult();
    expect(text).toMatchObject({ value: '42', timestamp: new Date(5_000).toISOString() });
    // A publisher that put milliseconds in the seconds field is read as milliseconds.
    expect(toDelivery(message(Buffer.from('x'), { timestamp: 1_800_000_000_123 })).toResult().timestamp).toBe(new Date(1_800_000_000_123).toISOString());
  });

  it('cut a body over 1 MiB, matching and showing its first MiB as text', () => {
    const delivery = toDelivery(message(Buffer.from(`{"a":"${'x'.repeat(MAX_BODY_BYTES)}"}`)));
    expect(delivery.text.length).toBe(MAX_BODY_BYTES);
    expect(delivery.toResult()).toMatchObject({ value: delivery.text, size: MAX_BODY_BYTES + 8, bodyTruncated: true });
  });

  it('turn typed AMQP header values into text', () => {
    expect(headersAsText({ s: 'a', n: 3, b: true, buf: Buffer.from('bytes'), list: ['x', 2], table: { k: 1 }, none: null, gone: undefined } as never)).toEqual({
      s: 'a', n: '3', b: 'true', buf: 'bytes', list: ['x', '2'], table: '{"k":1}',
    });
  });
});
