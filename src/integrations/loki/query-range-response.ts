import { StepError } from '../../steps/step-plugin';
import { isoFromNs } from './loki-time-range';

export type LokiDirection = 'forward' | 'backward';

export interface LogLine {
  /** ISO-8601, millisecond precision. */
  timestamp: string;
  /** Nanosecond epoch as Loki sent it (a string: it does not fit a JS number). */
  timestampNs: string;
  line: string;
  /** Stream labels, plus structured metadata when Loki sends it as a third value element. */
  labels: Record<string, string>;
}

export interface LokiQueryResult {
  logLines: LogLine[];
  /** `data.stats.summary.totalBytesProcessed`; null when the server sent no stats. */
  scannedBytes: number | null;
  matchCount: number;
  /** Loki's top-level `warnings`, when any. */
  warnings: string[];
}

/**
 * Reads the JSON body of `GET /loki/api/v1/query_range` for a log query (`resultType: "streams"`,
 * /work/shared/LOKI-API.md). Lines of all streams are merged in the order of `direction` — newest
 * first for `backward`, Loki's default — with ties kept in response order.
 */
export function parseQueryRangeResponse(body: unknown, direction: LokiDirection = 'backward'): LokiQueryResult {
  const root = asObject(body, 'response');
  if (root.status !== 'success') {
    throw new StepError(`Loki answered status "${String(root.status)}"${typeof root.error === 'string' ? `: ${root.error}` : ''}`);
  }
  const data = asObject(root.data, 'data');
  if (data.resultType !== 'streams') {
    throw new StepError(
      `Loki returned a "${String(data.resultType)}" result; the Loki step runs log queries, which return "streams"`,
      { resultType: data.resultType },
    );
  }
  if (!Array.isArray(data.result)) throw new StepError('Unexpected Loki response: data.result is not an array');

  const entries: Array<LogLine & { ns: bigint; order: number }> = [];
  data.result.forEach((item, streamIndex) => {
    const stream = asObject(item, `data.result[${streamIndex}]`);
    const labels = stringRecord(stream.stream ?? {}, `data.result[${streamIndex}].stream`);
    if (!Array.isArray(stream.values)) throw new StepError(`Unexpected Loki response: data.result[${streamIndex}].values is not an array`);
    stream.values.forEach((value, valueIndex) => {
      const where = `data.result[${streamIndex}].values[${valueIndex}]`;
      if (!Array.isArray(value) || typeof value[0] !== 'string' || !/^\d+$/.test(value[0]) || typeof value[1] !== 'string') {
        throw new StepError(`Unexpected Loki response: ${where} is not a ["<ns>", "<line>"] pair`);
      }
      const metadata = value.length > 2 && value[2] !== null ? stringRecord(value[2], `${where}[2]`) : {};
      const ns = BigInt(value[0]);
      entries.push({
        timestamp: isoFromNs(ns),
        timestampNs: value[0],
        line: value[1],
        labels: { ...labels, ...metadata },
        ns,
        order: entries.length,
      });
    });
  });

  const sign = direction === 'forward' ? 1 : -1;
  entries.sort((a, b) => (a.ns === b.ns ? a.order - b.order : a.ns < b.ns ? -sign : sign));
  const logLines = entries.map(({ timestamp, timestampNs, line, labels }) => ({ timestamp, timestampNs, line, labels }));
  return {
    logLines,
    scannedBytes: readScannedBytes(data.stats),
    matchCount: logLines.length,
    warnings: Array.isArray(root.warnings) ? root.warnings.filter((w): w is string => typeof w === 'string') : [],
  };
}

function readScannedBytes(stats: unknown): number | null {
  if (stats === null || typeof stats !== 'object') return null;
  const summary = (stats as Record<string, unknown>).summary;
  if (summary === null || typeof summary !== 'object') return null;
  const bytes = Number((summary as Record<string, unknown>).totalBytesProcessed);
  return Number.isFinite(bytes) ? bytes : null;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`Unexpected Loki response: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  const object = asObject(value, what);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(object)) out[key] = typeof item === 'string' ? item : String(item);
  return out;
}
