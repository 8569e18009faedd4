import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { definitionsFromDescriptors, parseProtoText, protoTextProblem } from './grpc-definitions';

const ORDERS_PROTO = readFileSync(join(__dirname, '../../../test/integrations/fixtures/orders.proto'), 'utf8');

describe('gRPC service definitions', () => {
  it('parses proto text with a well-known import and finds methods with their kinds', () => {
    const definitions = parseProtoText(ORDERS_PROTO);
    expect(definitions.services).toEqual(['orders.v1.Orders']);
    const method = definitions.method('orders.v1.Orders', 'ListOrders');
    expect(method.responseStream).toBe(true);
    expect(method.resolvedRequestType?.fullName).toBe('.orders.v1.ListOrdersRequest');
    // Field names stay as written in the proto.
    expect(Object.keys(definitions.method('orders.v1.Orders', 'GetOrder').resolvedResponseType!.fields)).toContain('created_at');
  });

  it('names the services, or the methods with their kinds, when a name is wrong', () => {
    const definitions = parseProtoText(ORDERS_PROTO);
    expect(() => definitions.method('orders.v1.Order', 'GetOrder')).toThrow('service "orders.v1.Order" is not in the proto text; services: orders.v1.Orders');
    expect(() => definitions.method('orders.v1.Orders', 'Get')).toThrow(
      'method "Get" is not in service orders.v1.Orders; methods: GetOrder (unary), ListOrders (server streaming), ImportOrders (client streaming)',
    );
  });

  it('reports the parser message with its line, unresolvable imports and a text without services', () => {
    expect(protoTextProblem('syntax = "proto3";\nmessage A {\n  int32 x = 1\n}\n')).toBe("does not parse: illegal token '}', ';' expected (line 4)");
    expect(protoTextProblem('syntax = "proto3";\nimport "common/money.proto";\nservice S {}')).toMatch(/^import "common\/money.proto" cannot be resolved/);
    expect(protoTextProblem('syntax = "proto3";\nmessage A { int32 x = 1; }')).toBe('defines no service: add the service whose methods the steps call');
    expect(protoTextProblem(ORDERS_PROTO)).toBeNull();
  });

  it('builds the same definitions from FileDescriptorProtos (what reflection returns)', () => {
    const file = join(__dirname, '../../../test/integrations/fixtures/orders.proto');
    const loaded = protoLoader.loadSync(file, { keepCase: true });
    const protos = (loaded['orders.v1.GetOrderRequest'] as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
    const definitions = definitionsFromDescriptors(protos, 'reflection');
    expect(definitions.services).toEqual(['orders.v1.Orders']);
    const order = definitions.method('orders.v1.Orders', 'GetOrder').resolvedResponseType!;
    expect(order.fields.created_at.resolvedType?.fullName).toBe('.google.protobuf.Timestamp');
  });
});
