import { validateSync } from 'class-validator';
import { toFieldProblems } from '../../common/errors/validation-problems';
import { plainToDto } from '../../common/validation/dto-input';
import { MASKED } from '../../resources/secret-fields';
import { amqpEgressTargets, amqpEndpoint, amqpErrorMessage } from './amqp-connection-options';
import { amqpSecretFields, AmqpResourceConfig } from './amqp-resource-config.dto';

const problems = (raw: Record<string, unknown>) =>
  toFieldProblems(validateSync(plainToDto(AmqpResourceConfig, raw), { whitelist: true, forbidNonWhitelisted: true })).map((p) => p.field);

describe('amqp resource config', () => {
  it('reads host, port, vhost and credentials from a URL (percent-decoded), with TLS defaults for amqps', () => {
    expect(amqpEndpoint({ url: 'amqp://user%40x:p%3Ass@rabbit.internal:5673/orders%2Feu' })).toEqual({
      tls: false, host: 'rabbit.internal', port: 5673, vhost: 'orders/eu', username: 'user@x', password: 'p:ss', field: 'url',
    });
    expect(amqpEndpoint({ url: 'amqps://rabbit.internal' })).toMatchObject({ tls: true, port: 5671, vhost: '/', username: 'guest' });
    expect(amqpEndpoint({ url: 'amqp://rabbit.internal/%2F', username: 'u', password: 'p' })).toMatchObject({ vhost: '/', username: 'u', password: 'p' });
    expect(amqpEndpoint({ host: 'h', tls: {} })).toMatchObject({ host: 'h', port: 5671, vhost: '/', field: 'host' });
    expect(amqpEgressTargets({ url: 'amqp://[::1]:5672' })).toEqual([{ field: 'url', host: '::1', port: 5672 }]);
  });

  it('validates: url or host, not both; no query; no credentials both in the URL and beside it', () => {
    expect(problems({ url: 'amqp://guest:guest@127.0.0.1:5672/' })).toEqual([]);
    expect(problems({ host: 'h', port: 5672, vhost: 'v', username: 'u', password: 'p', tls: { rejectUnauthorized: false } })).toEqual([]);
    expect(problems({})).toEqual(expect.arrayContaining(['url', 'host']));
    expect(problems({ url: 'amqp://h', host: 'h' })).toEqual(expect.arrayContaining(['url']));
    expect(problems({ url: 'http://h' })).toEqual(['url']);
    expect(problems({ url: 'amqp://h/v?heartbeat=1' })).toEqual(['url']);
    expect(problems({ url: 'amqp://h/a/b' })).toEqual(['url']);
    expect(problems({ url: 'amqp://u:p@h', password: 'x' })).toEqual(['password']);
    expect(problems({ url: 'amqp://h', port: 1 })).toEqual(['port']);
    // The masked form the API shows is itself valid, so it can be sent back to keep the stored URL.
    expect(problems({ url: `amqp://${MASKED}:${MASKED}@h:5672/` })).toEqual([]);
  });

  it('makes the password, the TLS key and a credential-carrying URL secret (the URL masked in place)', () => {
    expect(amqpSecretFields({ host: 'h' }).map((f) => f.path)).toEqual(['password', 'tls.key']);
    const url = amqpSecretFields({ url: 'amqp://u:secret@h/v' }).find((f) => f.path === 'url')!;
    expect(url.mask!('amqp://u:secret@h/v')).toBe(`amqp://${MASKED}:${MASKED}@h/v`);
    expect(amqpSecretFields({ url: 'amqp://h/v' }).map((f) => f.path)).not.toContain('url');
  });

  it('phrases amqplib errors as the broker\'s own sentence', () => {
    expect(amqpErrorMessage(new Error('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"'))).toBe('ACCESS_REFUSED - Login was refused');
    expect(amqpErrorMessage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });
});
