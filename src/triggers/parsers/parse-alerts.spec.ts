import { ALERTMANAGER_EXAMPLE, GRAFANA_EXAMPLE, OPSGENIE_CREATE_EXAMPLE } from './examples/documented-payloads';
import { AlertPayloadError, fingerprintOfLabels, MAX_ALERTS_PER_DELIVERY } from './normalised-alert';
import { parseAlerts } from './parse-alerts';

function failure(run: () => unknown): AlertPayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof AlertPayloadError) return error;
    throw error;
  }
  throw new Error('expected an AlertPayloadError');
}

describe('Alertmanager webhook v4', () => {
  it('reads the documented payload: status, labels, annotations, fingerprint', () => {
    expect(parseAlerts('alertmanager', ALERTMANAGER_EXAMPLE)).toEqual([
      {
        fingerprint: 'a1b2c3d4e5f60718',
        status: 'firing',
        labels: { alertname: 'HighLatency', service: 'checkout', severity: 'page', instance: 'checkout-1:8080' },
        annotations: { summary: 'checkout p99 latency above 2s', runbook_url: 'https://runbooks.example.com/high-latency' },
      },
    ]);
  });

  it('an alert without a status takes the group status; without a fingerprint, one from its labels', () => {
    const [a] = parseAlerts('alertmanager', { ...ALERTMANAGER_EXAMPLE, status: 'resolved', alerts: [{ labels: { b: '2', a: '1' } }] });
    expect(a.status).toBe('resolved');
    expect(a.fingerprint).toBe(fingerprintOfLabels({ a: '1', b: '2' }));
  });

  it('refuses another webhook version and malformed alerts, naming the field', () => {
    expect(failure(() => parseAlerts('alertmanager', { ...ALERTMANAGER_EXAMPLE, version: '3' })).field).toBe('version');
    expect(failure(() => parseAlerts('alertmanager', { ...ALERTMANAGER_EXAMPLE, alerts: [{ status: 'on fire', labels: {} }] })).field).toBe('alerts[0].status');
    expect(failure(() => parseAlerts('alertmanager', { ...ALERTMANAGER_EXAMPLE, alerts: [{ labels: ['x'] }] })).field).toBe('alerts[0].labels');
    expect(failure(() => parseAlerts('alertmanager', { version: '4' })).field).toBe('alerts');
    expect(failure(() => parseAlerts('alertmanager', [])).field).toBe('body');
  });

  it(`refuses more than ${MAX_ALERTS_PER_DELIVERY} alerts in one call`, () => {
    const alerts = Array.from({ length: MAX_ALERTS_PER_DELIVERY + 1 }, (_, i) => ({ labels: { i: String(i) } }));
    expect(failure(() => parseAlerts('alertmanager', { status: 'firing', alerts })).field).toBe('alerts');
  });
});

describe('Grafana unified alerting', () => {
  it('reads the documented payload (version "1"), one firing and one resolved alert', () => {
    const alerts = parseAlerts('grafana', GRAFANA_EXAMPLE);
    expect(alerts).toEqual([
      {
        fingerprint: 'c6eadffa33fcdf37',
        status: 'firing',
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
        annotations: GRAFANA_EXAMPLE.alerts[0].annotations,
      },
      {
        fingerprint: 'bc97ff14869b13e3',
        status: 'resolved',
        labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1' },
        annotations: GRAFANA_EXAMPLE.alerts[1].annotations,
      },
    ]);
  });
});

describe('Opsgenie webhook integration', () => {
  it('Create → firing; key:value tags and details become labels, a bare tag "true"; message and friends annotations', () => {
    expect(parseAlerts('opsgenie', OPSGENIE_CREATE_EXAMPLE)).toEqual([
      {
        fingerprint: 'checkout-down',
        status: 'firing',
        labels: { service: 'checkout', critical: 'true', region: 'eu-west-1', attempts: '3' },
        annotations: {
          message: 'checkout is down',
          description: 'Health check failed 3 times',
          priority: 'P1',
          entity: 'checkout',
          alias: 'checkout-down',
          source: 'Monitoring',
          tinyId: '1791',
        },
      },
    ]);
  });

  it('without an alias the alert id is the fingerprint', () => {
    const { alias: _alias, ...alert } = OPSGENIE_CREATE_EXAMPLE.alert;
    expect(parseAlerts('opsgenie', { ...OPSGENIE_CREATE_EXAMPLE, alert })[0].fingerprint).toBe('70413a06-38d6-4c85-92b8-5ebc900d42e2');
  });

  it('Close → resolved; actions that do not open or close an alert give no alerts', () => {
    expect(parseAlerts('opsgenie', { ...OPSGENIE_CREATE_EXAMPLE, action: 'Close' })[0].status).toBe('resolved');
    expect(parseAlerts('opsgenie', { ...OPSGENIE_CREATE_EXAMPLE, action: 'AddNote' })).toEqual([]);
  });

  it('refuses a body without an action or alert id, naming the field', () => {
    expect(failure(() => parseAlerts('opsgenie', { alert: OPSGENIE_CREATE_EXAMPLE.alert })).field).toBe('action');
    expect(failure(() => parseAlerts('opsgenie', { action: 'Create', alert: { message: 'x' } })).field).toBe('alert.alertId');
    expect(failure(() => parseAlerts('opsgenie', { action: 'Create', alert: { alertId: 'a', tags: 'x' } })).field).toBe('alert.tags');
  });
});

describe('generic JSON', () => {
  it('a list of alerts, status defaulting to firing and values written as text', () => {
    expect(parseAlerts('generic', { alerts: [{ labels: { service: 'checkout', shard: 3 } }, { labels: { service: 'cart' }, status: 'resolved', fingerprint: 'f1' }] })).toEqual([
      { fingerprint: fingerprintOfLabels({ service: 'checkout', shard: '3' }), status: 'firing', labels: { service: 'checkout', shard: '3' }, annotations: {} },
      { fingerprint: 'f1', status: 'resolved', labels: { service: 'cart' }, annotations: {} },
    ]);
  });

  it('a single alert on its own', () => {
    expect(parseAlerts('generic', { labels: { service: 'checkout' }, status: 'firing', annotations: { summary: 's' } })).toEqual([
      { fingerprint: fingerprintOfLabels({ service: 'checkout' }), status: 'firing', labels: { service: 'checkout' }, annotations: { summary: 's' } },
    ]);
  });

  it('refuses an alert without labels, naming the field', () => {
    expect(failure(() => parseAlerts('generic', { status: 'firing' })).field).toBe('body.labels');
    expect(failure(() => parseAlerts('generic', { alerts: [{ labels: {} }, { status: 'firing' }] })).field).toBe('alerts[1].labels');
  });
});
