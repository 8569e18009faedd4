import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EgressService } from '../egress/egress.service';
import type { ResourceConnectionTester } from './resource-type';
import { redactDeep, redactText } from './secret-redaction';

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
}

/**
 * Runs a type's tester under a hard time limit: the answer comes within the budget whatever the
 * driver does, and the tester's signal is aborted so it closes what it opened. Every failure becomes
 * `{ok: false, error}` with the driver's message, minus any secret value it may echo.
 */
@Injectable()
export class ConnectionTestService {
  constructor(
    private readonly appConfig: AppConfig,
    private readonly egress: EgressService,
  ) {}

  async run(
    tester: ResourceConnectionTester,
    config: object,
    options: { timeoutMs?: number; secretValues: string[] },
  ): Promise<ConnectionTestResult> {
    const timeoutMs = options.timeoutMs ?? this.appConfig.RESOURCE_TEST_TIMEOUT_MS;
    const controller = new AbortController();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms (timed out)`)), timeoutMs);
    });
    const latency = () => Math.round(performance.now() - started);
    try {
      const attempt = Promise.resolve().then(() => tester.test(config, { signal: controller.signal, timeoutMs, egress: this.egress }));
      const details = await Promise.race([attempt, timeout]);
      const result: ConnectionTestResult = { ok: true, latencyMs: latency() };
      if (details && Object.keys(details).length) result.details = redactDeep(details, options.secretValues) as Record<string, unknown>;
      return result;
    } catch (error) {
      controller.abort();
      return { ok: false, latencyMs: latency(), error: redactText(describe(error), options.secretValues) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) {
    // Node reports "connect ECONNREFUSED" for every address of a host (IPv4 and IPv6) this way.
    return [...new Set(error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))))].join('; ');
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  if (!message && typeof code === 'string') return code;
  return message || 'connection failed without a message';
}

