import { isReservedPath } from './reserved-paths';

describe('isReservedPath', () => {
  it.each(['/api', '/api/v1/flows', '/docs', '/docs/', '/docs-json', '/health/live', '/socket.io/', '/metrics'])('reserves %s', (path) => {
    expect(isReservedPath(path)).toBe(true);
  });

  it.each(['/', '/flows/abc', '/teams/1/executions', '/apis', '/documents', '/healthy', '/assets/index-abc.js'])('leaves %s to the UI', (path) => {
    expect(isReservedPath(path)).toBe(false);
  });
});
