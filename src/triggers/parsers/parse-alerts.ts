import type { TriggerSource } from '../trigger-source';
import { parseAlertGroup, parseAlertmanagerPayload } from './alertmanager-payload';
import { parseGenericPayload } from './generic-payload';
import type { NormalisedAlert } from './normalised-alert';
import { parseOpsgeniePayload } from './opsgenie-payload';

const PARSERS: Record<TriggerSource, (body: unknown) => NormalisedAlert[]> = {
  alertmanager: parseAlertmanagerPayload,
  // Grafana's unified alerting webhook is Alertmanager's group notification under Grafana's own version.
  grafana: parseAlertGroup,
  opsgenie: parseOpsgeniePayload,
  generic: parseGenericPayload,
};

/** Throws AlertPayloadError naming the field when the body is not what the source documents. */
export function parseAlerts(source: TriggerSource, body: unknown): NormalisedAlert[] {
  return PARSERS[source](body);
}
