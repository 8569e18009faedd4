/**
 * Payloads as the senders document them, for the parser specs and the e2e test. Alertmanager documents
 * the v4 schema (prometheus.io/docs/alerting/latest/configuration/#webhook_config) rather than an instance;
 * this fills it in. Grafana's is the example of its "Webhook notifier" page; Opsgenie's the body of its
 * Webhook integration ("Create" action).
 */
export const ALERTMANAGER_EXAMPLE = {
  version: '4',
  groupKey: '{}:{alertname="HighLatency"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'ats',
  groupLabels: { alertname: 'HighLatency' },
  commonLabels: { alertname: 'HighLatency', service: 'checkout', severity: 'page' },
  commonAnnotations: { summary: 'checkout p99 latency above 2s' },
  externalURL: 'http://alertmanager.example.com:9093',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'HighLatency', service: 'checkout', severity: 'page', instance: 'checkout-1:8080' },
      annotations: { summary: 'checkout p99 latency above 2s', runbook_url: 'https://runbooks.example.com/high-latency' },
      startsAt: '2026-12-07T10:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example.com:9090/graph?g0.expr=latency_p99%3E2',
      fingerprint: 'a1b2c3d4e5f60718',
    },
  ],
};

export const GRAFANA_EXAMPLE = {
  receiver: 'My Super Webhook',
  status: 'firing',
  orgId: 1,
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
      annotations: {
        description: 'The system has high memory usage',
        runbook_url: 'https://myrunbook.com/runbook/1234',
        summary: 'This alert was triggered for zone us-1',
      },
      startsAt: '2021-10-12T09:51:03.157076+02:00',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
      fingerprint: 'c6eadffa33fcdf37',
      silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
      dashboardURL: '',
      panelURL: '',
      values: { B: 44.23943737541908, C: 1 },
    },
    {
      status: 'resolved',
      labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1' },
      annotations: {
        description: 'The system has high CPU usage',
        runbook_url: 'https://myrunbook.com/runbook/1234',
        summary: 'This alert was triggered for zone eu-1',
      },
      startsAt: '2021-10-12T09:56:03.157076+02:00',
      endsAt: '2021-10-12T09:58:03.157076+02:00',
      generatorURL: 'https://play.grafana.org/alerting/d1rdpdv7k/edit',
      fingerprint: 'bc97ff14869b13e3',
      silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1',
      dashboardURL: '',
      panelURL: '',
      values: { B: 44.23943737541908, C: 1 },
    },
  ],
  groupLabels: {},
  commonLabels: { team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://play.grafana.org/',
  version: '1',
  groupKey: '{}:{}',
  truncatedAlerts: 0,
  title: '[FIRING:2]  (blue)',
  state: 'alerting',
  message: '**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n - zone = us-1\n',
};

export const OPSGENIE_CREATE_EXAMPLE = {
  action: 'Create',
  alert: {
    alertId: '70413a06-38d6-4c85-92b8-5ebc900d42e2',
    message: 'checkout is down',
    tags: ['service:checkout', 'critical'],
    tinyId: '1791',
    entity: 'checkout',
    alias: 'checkout-down',
    createdAt: 1551168744373,
    updatedAt: 1551168744386000000,
    username: 'System',
    userId: '',
    description: 'Health check failed 3 times',
    team: '',
    responders: [],
    teams: [],
    actions: [],
    details: { region: 'eu-west-1', attempts: 3 },
    priority: 'P1',
    source: 'Monitoring',
  },
  source: { name: '', type: 'web' },
  integrationName: 'Webhook',
  integrationId: '4f6d2d7f-d00a-47e3-9a45-1d45aa8b0c1e',
  integrationType: 'Webhook',
};
