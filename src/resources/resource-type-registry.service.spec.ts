import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsInt, IsString, Max } from 'class-validator';
import { AppConfig } from '../config/app-config';
import { Optional } from './validation/config-validators';
import type { ResourceConnectionTester } from './resource-type';
import { ResourceType } from './resource-type.decorator';
import { ResourceTypeRegistry } from './resource-type-registry.service';
import { SqlConnectionTester } from '../integrations/sql/sql-connection.tester';

class EchoConfig {
  @IsString() host: string;
  @Optional() @IsInt() @Max(65535) port: number = 7;
  @Optional() @IsString() password?: string;
}

@ResourceType({ type: 'echo', description: 'echo', config: EchoConfig, secrets: [{ path: 'password' }], addressFields: ['host', 'port'], example: { host: 'h' } })
@Injectable()
class EchoTester implements ResourceConnectionTester<EchoConfig> {
  async test(config: EchoConfig) {
    return { host: config.host };
  }
}

@ResourceType({ type: 'echo', description: 'another echo', config: EchoConfig, secrets: [], addressFields: [], example: {} })
@Injectable()
class SecondEchoTester implements ResourceConnectionTester {
  async test() {
    return {};
  }
}

async function registryWith(...types: Array<new (...args: never[]) => unknown>) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [ResourceTypeRegistry, { provide: AppConfig, useValue: new AppConfig() }, ...types] }).compile();
  await moduleRef.init();
  return { registry: moduleRef.get(ResourceTypeRegistry), close: () => moduleRef.close() };
}

describe('ResourceTypeRegistry', () => {
  it('discovers decorated providers and binds their testers', async () => {
    const { registry, close } = await registryWith(EchoTester, SqlConnectionTester);
    expect(registry.types()).toEqual(['echo', 'sql']);
    expect(registry.get('echo')?.tester).toBeInstanceOf(EchoTester);
    expect(registry.get('echo')?.metadata.secrets).toEqual([{ path: 'password' }]);
    expect(registry.get('nope')).toBeUndefined();
    await close();
  });

  it('fails the boot when two providers declare the same type', async () => {
    await expect(registryWith(EchoTester, SecondEchoTester)).rejects.toThrow(/Duplicate resource type "echo": \w+ and \w+ both declare it/);
  });

  it('refuses a duplicate or malformed type registered by hand', async () => {
    const { registry, close } = await registryWith(EchoTester);
    expect(() => registry.register({ type: 'echo', description: '', config: EchoConfig, secrets: [], addressFields: [], example: {} }, new SecondEchoTester())).toThrow('Duplicate resource type "echo"');
    expect(() => registry.register({ type: 'Bad Type', description: '', config: EchoConfig, secrets: [], addressFields: [], example: {} }, new SecondEchoTester())).toThrow('invalid type');
    await close();
  });

  it('validates configs with the type DTO: defaults applied, unknown fields and bad values named', async () => {
    const { registry, close } = await registryWith(EchoTester);
    expect(registry.validateConfig('echo', { host: 'a' })).toEqual({ config: { host: 'a', port: 7 }, problems: [] });
    const { problems } = registry.validateConfig('echo', { port: 70000, extra: 1, password: null });
    expect(problems.map((p) => p.field).sort()).toEqual(['extra', 'host', 'password', 'port']);
    expect(registry.validateConfig('nope', {}).problems[0].message).toMatch(/unknown resource type "nope"; registered: echo/);
    expect(registry.validateConfig('echo', [1]).problems).toEqual([{ field: '', message: 'config must be an object' }]);
    await close();
  });
});
