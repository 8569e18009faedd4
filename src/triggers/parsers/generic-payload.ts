import { alertList, alertStatus, AlertPayloadError, fingerprintOfLabels, isRecord, type NormalisedAlert, stringMap } from './normalised-alert';

/**
 * For senders of our own making: `{alerts: [{labels, status, annotations?, fingerprint?}]}` or one such
 * alert on its own. Status defaults to firing; the fingerprint to a hash of the labels.
 */
export function parseGenericPayload(body: unknown): NormalisedAlert[] {
  if (!isRecord(body)) throw new AlertPayloadError('body', 'must be a JSON object');
  if (body.alerts !== undefined) return alertList(body.alerts, 'alerts').map((raw, i) => genericAlert(raw, `alerts[${i}]`));
  return [genericAlert(body, 'body')];
}

function genericAlert(raw: unknown, field: string): NormalisedAlert {
  if (!isRecord(raw)) throw new AlertPayloadError(field, 'must be an object');
  if (!isRecord(raw.labels)) throw new AlertPayloadError(`${field}.labels`, 'must be an object of name → value');
  const labels = stringMap(raw.labels, `${field}.labels`);
  return {
    fingerprint: typeof raw.fingerprint === 'string' && raw.fingerprint ? raw.fingerprint : fingerprintOfLabels(labels),
    status: alertStatus(raw.status, `${field}.status`, 'firing'),
    labels,
    annotations: stringMap(raw.annotations, `${field}.annotations`),
  };
}
