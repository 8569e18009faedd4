import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EgressService } from '../../egress/egress.service';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { abortableSleep } from '../../steps/abortable-sleep';
import { errorBodyExcerpt, readApiSettings, ReadApiClient, type ReadApiResponse, type ReadApiSettings } from '../shared/read-api-client';
import { judgeWindowEnd, unexpectedMatchError } from '../../steps/shared/subscribe-expectation';
import { buildLogQuery } from './logql-builder';
import { checkLokiStepConfig, lokiTimeRangeInput } from './loki-config-checks';
import { LOKI_DEFAULT_LIMIT, LokiStepConfig, type LOKI_DIRECTIONS, type LokiStepResult } from './loki-step.config';
import { isoFromNs, resolveTimeRange, type LokiTimeRange } from './loki-time-range';
import { parseQueryRangeResponse } from './query-range-response';
import { LokiResourceConfig } from './loki-resource-config.dto';

@StepPlugin({
  type: 'loki',
  description:
    'Searches Loki logs: a label selector plus contains / not-contains / regex line filters over a time window (default: since the flow started). Pair it with retries and an assertion such as `matchCount gte 1` to wait for a line to appear; `expect: "none"` passes only when no line matches once the window has passed.',
  config: LokiStepConfig,
  resource: LokiResourceConfig,
  validateRaw: checkLokiStepConfig,
  resultSchema: {
    type: 'object',
    properties: {
      logLines: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            timestamp: { type: 'string', format: 'date-time' },
            timestampNs: { type: 'string', description: 'Nanosecond epoch as Loki sent it' },
            line: { type: 'string' },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
          },
          required: ['timestamp', 'timestampNs', 'line', 'labels'],
        },
      },
      matchCount: { type: 'integer' },
      limitReached: { type: 'boolean', description: 'matchCount reached limit: more lines may match' },
      scannedBytes: { type: ['integer', 'null'] },
      executionTimeMs: { type: 'integer' },
      query: { type: 'string', description: 'The LogQL sent' },
      timeRange: { type: 'object', properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } } },
      limit: { type: 'integer' },
      direction: { type: 'string', enum: ['forward', 'backward'] },
      warnings: { type: 'array', items: { type: 'string' } },
    },
    required: ['logLines', 'matchCount', 'limitReached', 'executionTimeMs', 'query', 'timeRange'],
  },
})
@Injectable()
export class LokiStep implements StepRunner<LokiStepConfig, LokiStepResult, LokiResourceConfig>, OnModuleDestroy {
  private readonly client: ReadApiClient;

  constructor(egress: EgressService) {
    this.client = new ReadApiClient('Loki', egress);
  }

  async run(ctx: StepContext<LokiStepConfig, LokiResourceConfig>): Promise<LokiStepResult> {
    const { config } = ctx;
    const settings = readApiSettings(ctx.resource);
    const tenant = ctx.resource.config.tenant || undefined;
    const query = buildLogQuery({
      labels: config.labels,
      namespace: config.namespace ?? undefined,
      containsPatterns: config.containsPatterns ?? undefined,
      notContainsPatterns: config.notContainsPatterns ?? undefined,
      regexPatterns: config.regexPatterns ?? undefined,
    });
    // Computed per attempt: a retried step looks again up to the new "now". Loki's end is exclusive,
    // so "now" + 1 ms keeps a line logged in this very millisecond inside the window.
    const range = resolveTimeRange(lokiTimeRangeInput(config), Date.now() + 1, ctx.executionStartedAt);
    const limit = config.limit ?? LOKI_DEFAULT_LIMIT;
    const direction = config.direction ?? 'backward';
    const search: LokiSearch = { settings, tenant, query, range, limit, direction };
    ctx.log(`LogQL ${query} from ${isoFromNs(range.startNs)} to ${isoFromNs(range.endNs)}`);
    if (config.expect === 'none') return this.searchExpectingNone(search, ctx);
    return this.search(search, ctx.signal);
  }

  /**
   * Absence can only be judged over a window that has passed: a window ending in the future is
   * searched now (a line already there fails at once), waited out (within the step timeout), and
   * searched once more.
   */
  private async searchExpectingNone(search: LokiSearch, ctx: StepContext<LokiStepConfig, LokiResourceConfig>): Promise<LokiStepResult> {
    const endMs = Number(BigInt(search.range.endNs) / NS_PER_MS);
    if (endMs > Date.now()) {
      if (endMs >= ctx.deadline) {
        throw new StepError(
          `expect "none": the window ends at ${isoFromNs(search.range.endNs)}, after the step timeout (${new Date(ctx.deadline).toISOString()}); raise the step's timeoutMs or end the window earlier`,
          { field: 'endTime' },
        );
      }
      this.refuseMatches(await this.search(search, ctx.signal));
      await abortableSleep(endMs - Date.now(), ctx.signal);
    }
    return this.refuseMatches(await this.search(search, ctx.signal));
  }

  private refuseMatches(result: LokiStepResult): LokiStepResult {
    if (judgeWindowEnd('none', result.matchCount) === 'pass') return result;
    const window = `${result.timeRange.start} – ${result.timeRange.end}`;
    throw unexpectedMatchError(`log line for ${result.query} in ${window}`, result.logLines, result);
  }

  private async search({ settings, tenant, query, range, limit, direction }: LokiSearch, signal: AbortSignal): Promise<LokiStepResult> {
    const started = performance.now();
    const response = await this.client.get(
      settings,
      'loki/api/v1/query_range',
      { query, start: range.startNs, end: range.endNs, limit: String(limit), direction },
      signal,
      tenant ? { 'X-Scope-OrgID': tenant } : {},
    );
    const executionTimeMs = Math.round(performance.now() - started);
    if (response.status !== 200) throw lokiHttpError(response, query, tenant, settings.resourceName);

    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new StepError(`Loki answered 200 with a body that is not JSON (${response.contentType || 'no content type'}): ${errorBodyExcerpt(response.body, 200)}`, { query });
    }
    const parsed = parseQueryRangeResponse(body, direction);
    return {
      logLines: parsed.logLines,
      matchCount: parsed.matchCount,
      limitReached: parsed.matchCount >= limit,
      scannedBytes: parsed.scannedBytes,
      executionTimeMs,
      query,
      timeRange: { start: isoFromNs(range.startNs), end: isoFromNs(range.endNs) },
      limit,
      direction,
      warnings: parsed.warnings,
    };
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}

const NS_PER_MS = 1_000_000n;

/** One query_range call, as resolved for this attempt. */
interface LokiSearch {
  settings: ReadApiSettings;
  tenant: string | undefined;
  query: string;
  range: LokiTimeRange;
  limit: number;
  direction: (typeof LOKI_DIRECTIONS)[number];
}

/** Loki answers errors as plain text holding just the message (LOKI-API.md, "Errors"): quote it with the query. */
function lokiHttpError(response: ReadApiResponse, query: string, tenant: string | undefined, resourceName: string): StepError {
  const message = errorBodyExcerpt(response.body) || '(empty body)';
  const details = { status: response.status, query, lokiMessage: message };
  switch (response.status) {
    case 400:
      return new StepError(`Loki rejected the query (HTTP 400): ${message} — query: ${query}`, details);
    case 401:
    case 403: {
      const hint = tenant === undefined && /org id/i.test(message)
        ? `; the loki resource "${resourceName}" sets no tenant, and this Loki is multi-tenant: set the resource's tenant (sent as X-Scope-OrgID)`
        : `; check the credentials of the loki resource "${resourceName}"`;
      return new StepError(`Loki refused the request (HTTP ${response.status}): ${message}${hint} — query: ${query}`, details);
    }
    case 404:
      return new StepError(`Loki has no /loki/api/v1/query_range at the resource URL (HTTP 404): is "${resourceName}" a Loki URL? ${message}`, details);
    case 429:
      return new StepError(`Loki throttled the query (HTTP 429): ${message} — query: ${query}`, details);
    default:
      return new StepError(`Loki failed to run the query (HTTP ${response.status}): ${message} — query: ${query}`, details);
  }
}
