import { AlertPayloadError, type AlertStatus, isRecord, type NormalisedAlert, stringMap } from './normalised-alert';

/** Opsgenie actions that say whether an alert is open; every other action (Acknowledge, AddNote, …) starts nothing. */
const STATUS_OF_ACTION: Record<string, AlertStatus> = { Create: 'firing', Reopen: 'firing', Close: 'resolved' };

const ANNOTATION_FIELDS = ['message', 'description', 'priority', 'entity', 'alias', 'source', 'tinyId'] as const;

/**
 * Opsgenie's webhook integration: `{action, alert: {alertId, message, tags, details, …}}`. Rules match
 * labels, which Opsgenie lacks: `details` become labels, and tags too — `service:checkout` as
 * `service=checkout`, a bare tag `critical` as `critical=true`. Message, priority, … are annotations.
 */
export function parseOpsgeniePayload(body: unknown): NormalisedAlert[] {
  if (!isRecord(body)) throw new AlertPayloadError('body', 'must be a JSON object');
  if (typeof body.action !== 'string') throw new AlertPayloadError('action', 'must be the Opsgenie action (Create, Close, …)');
  const status = STATUS_OF_ACTION[body.action];
  if (!status) return [];
  const alert = body.alert;
  if (!isRecord(alert)) throw new AlertPayloadError('alert', 'must be an object');
  if (typeof alert.alertId !== 'string' || !alert.alertId) throw new AlertPayloadError('alert.alertId', 'must be a non-empty string');
  if (alert.tags !== undefined && !(Array.isArray(alert.tags) && alert.tags.every((t) => typeof t === 'string'))) {
    throw new AlertPayloadError('alert.tags', 'must be an array of strings');
  }
  const labels: Record<string, string> = {};
  for (const tag of (alert.tags as string[] | undefined) ?? []) {
    const at = tag.indexOf(':');
    if (at > 0) labels[tag.slice(0, at).trim()] = tag.slice(at + 1).trim();
    else labels[tag] = 'true';
  }
  Object.assign(labels, stringMap(alert.details, 'alert.details'));
  const annotations: Record<string, string> = {};
  for (const name of ANNOTATION_FIELDS) {
    if (typeof alert[name] === 'string' && alert[name]) annotations[name] = alert[name];
  }
  // Alias is Opsgenie's dedup key (the same alias is one alert); the id changes when an alert is recreated.
  const fingerprint = typeof alert.alias === 'string' && alert.alias ? alert.alias : alert.alertId;
  return [{ fingerprint, status, labels, annotations }];
}
