import { createHash } from 'node:crypto';

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a hook payload, whatever system sent it: what rules match and `${alert.…}` reads. */
export interface NormalisedAlert {
  /** The sender's alert identity when it has one; otherwise derived from the labels, as Alertmanager does. */
  fingerprint: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Thrown for a payload that is not what its source documents; `field` locates the problem (e.g. `alerts[2].labels`). */
export class AlertPayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** More alerts than this in one call is refused: each one may start runs. */
export const MAX_ALERTS_PER_DELIVERY = 500;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A label or annotation map as strings (the senders send strings; a number or boolean from a generic
 * sender is written out, nested values as JSON). Absent is empty; anything but an object is refused.
 */
export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new AlertPayloadError(field, 'must be an object of name → value');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    out[key] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

export function alertStatus(value: unknown, field: string, fallback?: AlertStatus): AlertStatus {
  if (value === undefined && fallback) return fallback;
  if (value === 'firing' || value === 'resolved') return value;
  throw new AlertPayloadError(field, 'must be "firing" or "resolved"');
}

/** Same labels, same fingerprint: stable over key order. */
export function fingerprintOfLabels(labels: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function alertList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new AlertPayloadError(field, 'must be an array of alerts');
  if (value.length > MAX_ALERTS_PER_DELIVERY) throw new AlertPayloadError(field, `at most ${MAX_ALERTS_PER_DELIVERY} alerts per call`);
  return value;
}
