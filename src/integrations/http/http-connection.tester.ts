import { Injectable } from '@nestjs/common';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { authHeaders, probeHttp, urlEgressTarget } from '../shared/http-probe';
import { HttpResourceConfig, httpSecretFields } from './http-resource-config.dto';

@ResourceType({
  type: 'http',
  description: 'HTTP service: base URL, default headers, bearer / basic / API-key auth',
  config: HttpResourceConfig,
  secrets: httpSecretFields,
  addressFields: ['baseUrl'],
  egressTargets: (config) => urlEgressTarget('baseUrl', (config as HttpResourceConfig).baseUrl),
  example: {
    baseUrl: 'https://orders.staging.example.com/api',
    headers: { Accept: 'application/json' },
    auth: { type: 'bearer', token: 'change-me' },
    tlsVerify: true,
    timeoutMs: 10000,
  },
})
@Injectable()
export class HttpConnectionTester implements ResourceConnectionTester<HttpResourceConfig> {
  /**
   * HEAD the base URL, then GET it when HEAD is not answered usefully (many APIs refuse HEAD). The
   * service is reachable when it answers below 500; 401/403 fail, since they mean the credentials are wrong.
   */
  async test(config: HttpResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const request = {
      url: config.baseUrl,
      headers: { ...config.headers, ...authHeaders(config.auth) },
      tlsVerify: config.tlsVerify,
      timeoutMs: Math.min(timeoutMs, config.timeoutMs),
      signal,
      egress,
    };
    let method: 'HEAD' | 'GET' = 'HEAD';
    let response = await probeHttp({ ...request, method });
    if (response.status >= 400) {
      method = 'GET';
      response = await probeHttp({ ...request, method });
    }
    const summary = `${method} ${config.baseUrl} answered ${response.status} ${response.statusText}`.trim();
    if (response.status === 401 || response.status === 403) throw new Error(`${summary}: check the auth settings`);
    if (response.status >= 500) throw new Error(`${summary}${response.bodyStart ? `: ${response.bodyStart.slice(0, 300)}` : ''}`);
    return { method, status: response.status };
  }
}
