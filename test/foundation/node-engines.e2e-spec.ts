import { readFileSync } from 'node:fs';
import path from 'node:path';

// semver is not a direct dependency: npm itself and half the tree bring it; required, not imported, so
// no type package is needed for a test-only use.
const semver = require('semver') as { minVersion(range: string): { version: string }; satisfies(version: string, range: string): boolean };

const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } }>;
};

// `npm ci` on the Node versions package.json promises prints no EBADENGINE warning: the lowest version
// of each branch of the root's engines range satisfies every locked package (a dependency added later
// that wants a newer Node fails here, not on a user's first install).
describe('package.json engines vs the locked dependencies', () => {
  const range = lock.packages[''].engines!.node!;
  it.each(range.split('||').map((branch) => semver.minVersion(branch.trim()).version))('Node %s satisfies every locked package', (version) => {
    const unsatisfied = Object.entries(lock.packages)
      .filter(([name, entry]) => name && entry.engines?.node && !semver.satisfies(version, entry.engines.node))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, '')} wants ${entry.engines!.node}`);
    expect(unsatisfied).toEqual([]);
  });

  it('package.json and package-lock.json state the same range', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(range);
  });
});
