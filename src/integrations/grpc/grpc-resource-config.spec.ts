import type { DiscoveryService } from '@nestjs/core';
import type { ResourceTypeMetadata } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { ResourceTypeRegistry } from '../../resources/resource-type-registry.service';
import { MASKED } from '../../resources/secret-fields';
import { GrpcConnectionTester } from './grpc-connection.tester';
import { grpcSecretFields } from './grpc-resource-config.dto';

const PROTO = 'syntax = "proto3"; package p; service S { rpc M (A) returns (A); } message A { string id = 1; }';

function registry(): ResourceTypeRegistry {
  const types = new ResourceTypeRegistry({ getProviders: () => [] } as unknown as DiscoveryService);
  types.register(Reflect.getMetadata(ResourceType.KEY, GrpcConnectionTester) as ResourceTypeMetadata, new GrpcConnectionTester());
  return types;
}

describe('grpc resource config', () => {
  const types = registry();
  const problems = (config: Record<string, unknown>) => types.validateConfig('grpc', config).problems.map((p) => `${p.field}: ${p.message}`);

  it('accepts proto text or reflection, with TLS and metadata', () => {
    expect(problems({ address: 'orders.internal:443', proto: PROTO, tls: { rejectUnauthorized: true }, metadata: { authorization: 'Bearer x', 'x-tenant-bin': 'AAE=' } })).toEqual([]);
    expect(problems({ address: '[::1]:50051', reflection: true, secretMetadata: ['x-session'], maxReceiveMessageBytes: 1024 * 1024 })).toEqual([]);
  });

  it('names the field of each mistake', () => {
    expect(problems({ address: 'dns:///orders:443', reflection: true })).toEqual([expect.stringMatching(/^address: address must be host:port without a scheme/)]);
    expect(problems({ address: 'orders:1', proto: 'service {' })).toEqual([expect.stringMatching(/^proto: proto does not parse: .*\(line 1\)$/)]);
    expect(problems({ address: 'orders:1', reflection: true, proto: PROTO })).toEqual(['reflection: reflection cannot be combined with proto']);
    expect(problems({ address: 'orders:1', reflection: true, metadata: { Authorization: 'x' } })).toEqual([expect.stringMatching(/^metadata: metadata key "Authorization" is not a lower-case metadata key/)]);
  });

  it('keeps the TLS key and secret metadata (defaults and secretMetadata, any case) secret, masked as ***', () => {
    const fields = grpcSecretFields({ metadata: { authorization: 'a', 'x-api-key': 'b', 'x-session': 'c', 'x-tenant': 'd' }, secretMetadata: ['X-Session'] });
    expect(fields.map((f) => f.path)).toEqual(['tls.key', 'metadata.authorization', 'metadata.x-api-key', 'metadata.x-session']);
    expect(fields[1].mask!('Bearer token')).toBe(MASKED);
  });
});
