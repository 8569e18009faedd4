import { changedAddressFields, repointProblems } from './address-change';

describe('address change', () => {
  const SQL = ['engine', 'host', 'port', 'database'];
  const before = { engine: 'postgres', host: 'db.internal', port: 5432, database: 'orders', user: 'qa' };

  it('names the address fields that changed; other fields do not count', () => {
    expect(changedAddressFields(SQL, before, { ...before, user: 'other', port: 6543 })).toEqual(['port']);
    expect(changedAddressFields(['brokers'], { brokers: ['a:9092'] }, { brokers: ['a:9092', 'evil:9092'] })).toEqual(['brokers']);
  });

  it('compares URLs by scheme, host and port, not path or query', () => {
    expect(changedAddressFields(['baseUrl'], { baseUrl: 'https://api.x/v1?token=a' }, { baseUrl: 'https://API.x:443/v2' })).toEqual([]);
    expect(changedAddressFields(['baseUrl'], { baseUrl: 'https://api.x/v1' }, { baseUrl: 'http://api.x/v1' })).toEqual(['baseUrl']);
    expect(changedAddressFields(['url'], { url: 'redis://a:6379/0' }, { url: 'redis://b:6379/0' })).toEqual(['url']);
  });

  it('asks again for every kept secret when the address changed, and only then', () => {
    expect(repointProblems(SQL, before, { ...before, host: 'attacker.example' }, ['password'])).toEqual([
      { field: 'password', message: 'the address changed (host); send the password again' },
    ]);
    expect(repointProblems(SQL, before, { ...before, host: 'attacker.example' }, [])).toEqual([]);
    expect(repointProblems(SQL, before, { ...before, user: 'x' }, ['password'])).toEqual([]);
  });
});
