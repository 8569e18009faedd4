import { requestLogFields } from './request-log-fields';

describe('requestLogFields', () => {
  it('keeps id, method, URL, caller address and user agent, and no other header', () => {
    const fields = requestLogFields({
      id: 'req-1',
      method: 'POST',
      url: '/api/v1/teams/t/flows/run',
      remoteAddress: '127.0.0.1',
      headers: { authorization: 'Bearer secret', cookie: 'session=secret', 'x-api-key': 'ats_secret', 'user-agent': 'ats-cli/1.0' },
    });
    expect(fields).toEqual({ id: 'req-1', method: 'POST', url: '/api/v1/teams/t/flows/run', remoteAddress: '127.0.0.1', userAgent: 'ats-cli/1.0' });
    expect(JSON.stringify(fields)).not.toContain('secret');
  });
});
