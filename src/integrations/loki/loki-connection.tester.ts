import { Injectable } from '@nestjs/common';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { authHeaders, urlEgressTarget, expectReady, urlUnder } from '../shared/http-probe';
import { LOKI_SECRETS, LokiResourceConfig } from './loki-resource-config.dto';

@ResourceType({
  type: 'loki',
  description: 'Grafana Loki for log steps (tenant via X-Scope-OrgID, bearer or basic auth)',
  config: LokiResourceConfig,
  secrets: LOKI_SECRETS,
  addressFields: ['url'],
  egressTargets: (config) => urlEgressTarget('url', (config as LokiResourceConfig).url),
  example: { url: 'https://loki.monitoring.internal', tenant: 'team-orders', auth: { type: 'basic', username: 'grafana', password: 'change-me' }, timeoutMs: 15000 },
})
@Injectable()
export class LokiConnectionTester implements ResourceConnectionTester<LokiResourceConfig> {
  test(config: LokiResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    return expectReady({
      method: 'GET',
      url: urlUnder(config.url, 'ready'),
      headers: { ...(config.tenant ? { 'X-Scope-OrgID': config.tenant } : {}), ...authHeaders(config.auth) },
      tlsVerify: config.tlsVerify,
      timeoutMs: Math.min(timeoutMs, config.timeoutMs),
      signal,
      egress,
    });
  }
}
