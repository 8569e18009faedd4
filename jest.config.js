// Plain JS config: a .ts config would need ts-node. NestJS 12 ships ESM-only packages, which Jest on
// Node 20 cannot load natively, so @swc/jest transpiles both our TypeScript and @nestjs/* to CommonJS.
const swcTs = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
}];
const swcJs = ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, module: { type: 'commonjs' } }];
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swcTs, '^.+\\.m?js$': swcJs },
  // ESM-only packages jest on Node 20 cannot require: Nest 12, and json-schema-ref-parser (under @apidevtools/swagger-parser).
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@apidevtools/json-schema-ref-parser)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  setupFiles: ['reflect-metadata'],
  // web/ is its own project (Vite + Vitest, own node_modules); Jest must not crawl or resolve into it.
  modulePathIgnorePatterns: ['<rootDir>/web/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/web/'],
};
module.exports = {
  // e2e files each create their own database, so they can run in parallel on the 2 cores.
  maxWorkers: 2,
  // Per-project testTimeout is ignored by Jest 30; e2e tests talk to real servers, so the limit is global.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
