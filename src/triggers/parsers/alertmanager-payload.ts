import { type AlertStatus, alertList, alertStatus, AlertPayloadError, fingerprintOfLabels, isRecord, type NormalisedAlert, stringMap } from './normalised-alert';

/**
 * Prometheus Alertmanager's webhook, `version: "4"`: `{status, alerts: [{status, labels, annotations,
 * startsAt, endsAt, fingerprint}], groupLabels, commonLabels, …}`.
 */
export function parseAlertmanagerPayload(body: unknown): NormalisedAlert[] {
  if (isRecord(body) && body.version !== undefined && body.version !== '4') {
    throw new AlertPayloadError('version', `Alertmanager webhook version "${String(body.version)}" is not supported (expected "4")`);
  }
  return parseAlertGroup(body);
}

/**
 * A notification of one alert group as Alertmanager shapes it — Grafana's unified alerting sends the same
 * (it embeds Alertmanager) with its own `version`. An alert without its own status takes the group's.
 */
export function parseAlertGroup(body: unknown): NormalisedAlert[] {
  if (!isRecord(body)) throw new AlertPayloadError('body', 'must be a JSON object');
  const groupStatus: AlertStatus | undefined = body.status === undefined ? undefined : alertStatus(body.status, 'status');
  return alertList(body.alerts, 'alerts').map((raw, i) => {
    const field = `alerts[${i}]`;
    if (!isRecord(raw)) throw new AlertPayloadError(field, 'must be an object');
    const labels = stringMap(raw.labels, `${field}.labels`);
    return {
      fingerprint: typeof raw.fingerprint === 'string' && raw.fingerprint ? raw.fingerprint : fingerprintOfLabels(labels),
      status: alertStatus(raw.status, `${field}.status`, groupStatus),
      labels,
      annotations: stringMap(raw.annotations, `${field}.annotations`),
    };
  });
}
