// Request examples shown in Swagger UI.

export const EXAMPLE_SUITE = {
  name: 'Checkout regression',
  description: 'Orders, payments and shipping end to end',
  mode: 'parallel',
  maxParallel: 4,
  failFast: false,
  tags: ['checkout', 'nightly'],
  variables: [{ name: 'baseUrl', value: 'https://staging.example.com' }],
  entries: [
    { flowId: '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44' },
    { flowId: '8e1f0c2b-3a4d-4b5c-9d6e-7f8a9b0c1d2e', version: 3, variables: [{ name: 'currency', value: 'EUR' }] },
  ],
};

export const EXAMPLE_SEQUENTIAL_SUITE = {
  name: 'Smoke (stop at first failure)',
  mode: 'sequential',
  failFast: true,
  entries: [{ flowId: '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44' }, { flowId: '8e1f0c2b-3a4d-4b5c-9d6e-7f8a9b0c1d2e' }],
};

export const EXAMPLE_SCHEDULE = { cron: '0 6 * * 1-5', timezone: 'Europe/Berlin', enabled: true };

export const EXAMPLE_WEBHOOK = {
  name: 'Team channel',
  url: 'https://hooks.slack.com/services/T000/B000/XXXX',
  notifyOn: 'on-change',
  format: 'slack',
  secret: 'whsec-3f9c1e0b7a5d4c2e9f1a8b7c6d5e4f3a',
};

export const EXAMPLE_JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="Checkout regression" tests="2" failures="1" errors="0" time="1.732">
  <testsuite name="Checkout regression" tests="2" failures="1" errors="0" skipped="0" time="1.732" timestamp="2026-11-27T16:01:02" hostname="async-testing-service" id="0b7d…" package="ats.suites">
    <properties>
      <property name="suiteRunId" value="0b7d…"/>
    </properties>
    <testcase name="Create order" classname="Checkout regression" time="0.412"/>
    <testcase name="Pay" classname="Checkout regression" time="1.320">
      <failure message="step &quot;pay&quot; (http): status: expected 201 but was 500" type="AssertionFailed">…</failure>
    </testcase>
    <system-out/>
    <system-err/>
  </testsuite>
</testsuites>`;
