import { parseProtoText } from './grpc-definitions';
import { checkRequestMessage } from './grpc-message-check';

const definitions = parseProtoText(`
syntax = "proto3";
package t;
service S { rpc M (Req) returns (Req); }
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }
message Inner { string sku = 1; uint32 qty = 2; }
message Req {
  string order_id = 1;
  int32 count = 2;
  int64 total = 3;
  bool paid = 4;
  double price = 5;
  bytes blob = 6;
  Color color = 7;
  repeated Inner items = 8;
  map<string, int32> counts = 9;
  oneof target { string email = 10; string phone = 11; }
}`);
const request = definitions.method('t.S', 'M').resolvedRequestType!;
const check = (value: unknown) => checkRequestMessage(request, value);

describe('checkRequestMessage', () => {
  it('accepts proto and JSON field names, enum names, 64-bit strings and base64 bytes, keyed by proto names', () => {
    const { message, problems } = check({ orderId: 'o-1', count: 2, total: '9007199254740993', paid: true, price: 1.5, blob: 'AAE=', color: 'RED', items: [{ sku: 'a', qty: 1 }], counts: { a: 1 }, email: 'x@y' });
    expect(problems).toEqual([]);
    expect(message).toEqual({ order_id: 'o-1', count: 2, total: '9007199254740993', paid: true, price: 1.5, blob: 'AAE=', color: 'RED', items: [{ sku: 'a', qty: 1 }], counts: { a: 1 }, email: 'x@y' });
    // The checked message encodes and decodes to the same values.
    const decoded = request.toObject(request.decode(request.encode(request.fromObject(message)).finish()), { longs: String, enums: String });
    expect(decoded).toMatchObject({ order_id: 'o-1', total: '9007199254740993', color: 'RED', items: [{ sku: 'a', qty: 1 }] });
  });

  it('names each wrong field with what it expected', () => {
    expect(check({ count: 'two', items: [{ qty: -1 }], color: 'BLUE', paid: 'yes', total: 1.5 }).problems).toEqual([
      'message.count: expected an integer from -2147483648 to 2147483647 (int32), got string "two"',
      'message.items[0].qty: expected an integer from 0 to 4294967295 (uint32), got number -1',
      'message.color: expected one of COLOR_UNSPECIFIED, RED (enum Color), got string "BLUE"',
      'message.paid: expected true or false (bool), got string "yes"',
      'message.total: expected a 64-bit integer (a number or a decimal string) (int64), got number 1.5',
    ]);
  });

  it('refuses unknown fields naming the known ones, both members of a oneof, and non-objects', () => {
    expect(check({ order: 'x' }).problems).toEqual(['message.order: no such field in t.Req; fields: order_id, count, total, paid, price, blob, color, items, counts, email, phone']);
    expect(check({ email: 'a', phone: 'b' }).problems).toEqual(['message.phone: email is already set and both belong to oneof target']);
    expect(check({ items: {} }).problems).toEqual(['message.items: expected an array (repeated Inner), got an object']);
    expect(check({ counts: { a: 'x' } }).problems).toEqual(['message.counts.a: expected an integer from -2147483648 to 2147483647 (int32), got string "x"']);
  });
});
