import { Injectable } from '@nestjs/common';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { authHeaders, urlEgressTarget, expectReady, urlUnder } from '../shared/http-probe';
import { PROMETHEUS_SECRETS, PrometheusResourceConfig } from './prometheus-resource-config.dto';

@ResourceType({
  type: 'prometheus',
  description: 'Prometheus HTTP API for metric steps (bearer or basic auth)',
  config: PrometheusResourceConfig,
  secrets: PROMETHEUS_SECRETS,
  addressFields: ['url'],
  egressTargets: (config) => urlEgressTarget('url', (config as PrometheusResourceConfig).url),
  example: { url: 'https://prometheus.monitoring.internal', auth: { type: 'bearer', token: 'change-me' }, timeoutMs: 15000 },
})
@Injectable()
export class PrometheusConnectionTester implements ResourceConnectionTester<PrometheusResourceConfig> {
  test(config: PrometheusResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    return expectReady({
      method: 'GET',
      url: urlUnder(config.url, '-/ready'),
      headers: authHeaders(config.auth),
      tlsVerify: config.tlsVerify,
      timeoutMs: Math.min(timeoutMs, config.timeoutMs),
      signal,
      egress,
    });
  }
}
