import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('uses development defaults that work on the development machine', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.APP_MODE).toBe('all');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/async_testing');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(3000);
    expect(config.isApi && config.isWorker).toBe(true);
  });

  it('converts strings from the environment to typed values', () => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '8080', MIGRATIONS_RUN: 'false', APP_MODE: 'worker' });
    expect(config.PORT).toBe(8080);
    expect(config.MIGRATIONS_RUN).toBe(false);
    expect(config.isApi).toBe(false);
  });

  it('takes a trace viewer URL template only when it is an http(s) URL holding {traceId}', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).TRACE_VIEWER_URL_TEMPLATE).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test', TRACE_VIEWER_URL_TEMPLATE: 'https://jaeger.example/trace/{traceId}' }).TRACE_VIEWER_URL_TEMPLATE).toBe('https://jaeger.example/trace/{traceId}');
    expect(() => loadConfig({ NODE_ENV: 'test', TRACE_VIEWER_URL_TEMPLATE: 'https://jaeger.example/trace/' })).toThrow(/TRACE_VIEWER_URL_TEMPLATE must be an http\(s\) URL containing \{traceId\}/);
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ APP_MODE: 'both', PORT: 'eighty', REDIS_URL: 'localhost' })).toThrow(
      /APP_MODE[\s\S]*PORT|PORT[\s\S]*APP_MODE/,
    );
    try {
      loadConfig({ APP_MODE: 'both', PORT: 'eighty', REDIS_URL: 'localhost' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('APP_MODE');
      expect(message).toContain('PORT');
      expect(message).toContain('REDIS_URL');
    }
  });

  it('binds all interfaces by default; the demo settings default to the local machine and list the brokers', () => {
    const defaults = loadConfig({ NODE_ENV: 'development' });
    expect({ host: defaults.HOST, demoPort: defaults.DEMO_PORT, brokers: defaults.demoKafkaBrokers, base: defaults.DEMO_BASE_URL }).toEqual({
      host: '0.0.0.0',
      demoPort: 3001,
      brokers: [],
      base: undefined,
    });
    const compose = loadConfig({ NODE_ENV: 'development', HOST: '127.0.0.1', DEMO_PORT: '4001', DEMO_KAFKA_BROKERS: 'kafka:9092,kafka-2:9092', DEMO_BASE_URL: 'http://demo:3001' });
    expect({ host: compose.HOST, demoPort: compose.DEMO_PORT, brokers: compose.demoKafkaBrokers, base: compose.DEMO_BASE_URL }).toEqual({
      host: '127.0.0.1',
      demoPort: 4001,
      brokers: ['kafka:9092', 'kafka-2:9092'],
      base: 'http://demo:3001',
    });
    expect(() => loadConfig({ HOST: 'http://0.0.0.0', DEMO_KAFKA_BROKERS: 'kafka', DEMO_LOKI_URL: 'loki:3100' })).toThrow(/HOST[\s\S]*DEMO_KAFKA_BROKERS[\s\S]*DEMO_LOKI_URL/);
  });

  it('refuses development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEYS/);
  });

  it('accepts the built-in secrets only when NODE_ENV is explicitly development or test', () => {
    expect(() => loadConfig({})).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEYS/);
    expect(() => loadConfig({ NODE_ENV: '' })).toThrow(/JWT_SECRET[\s\S]*SECRETS_KEYS/);
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(40) })).toThrow(/SECRETS_KEYS/);
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(40) })).not.toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'development' }).NODE_ENV).toBe('development');
    expect(loadConfig({ NODE_ENV: 'test' }).NODE_ENV).toBe('test');
    const real = { JWT_SECRET: 'x'.repeat(40), SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
    expect(loadConfig(real).NODE_ENV).toBe('development');
    expect(loadConfig({ ...real, NODE_ENV: 'production' }).NODE_ENV).toBe('production');
  });

  it('reads TRUST_PROXY as Express takes it: false by default, a boolean, a hop count or addresses', () => {
    const trust = (TRUST_PROXY?: string) => loadConfig({ NODE_ENV: 'test', ...(TRUST_PROXY !== undefined && { TRUST_PROXY }) }).trustProxy;
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('loopback')).toBe('loopback');
    expect(trust('loopback, 10.0.0.0/8, fd00::/8')).toBe('loopback, 10.0.0.0/8, fd00::/8');
    expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'yes please!' })).toThrow(/TRUST_PROXY/);
  });

  it('defaults EGRESS_DEFAULT to deny-private in production and allow elsewhere', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).EGRESS_DEFAULT).toBe('allow');
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SECRETS_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
    expect(loadConfig(production).EGRESS_DEFAULT).toBe('deny-private');
    expect(loadConfig({ ...production, EGRESS_DEFAULT: 'allow' }).EGRESS_DEFAULT).toBe('allow');
    expect(loadConfig({ NODE_ENV: 'test' }).EGRESS_ALLOW_CONTROL_PLANE).toBe(false);
  });

  it('names bad egress entries and modes at boot', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', EGRESS_ALLOW: '10.0.0.0/8,10.0.0.0/33', EGRESS_DENY: 'db:0', EGRESS_DEFAULT: 'deny' })).toThrow(
      /EGRESS_DEFAULT must be one of: allow, deny-private[\s\S]*EGRESS_ALLOW: "10\.0\.0\.0\/33" is not a CIDR[\s\S]*EGRESS_DENY: "db:0" has an invalid port/,
    );
  });
});
