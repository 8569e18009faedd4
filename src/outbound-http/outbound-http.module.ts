import { Global, Module } from '@nestjs/common';
import { EgressService } from '../egress/egress.service';
import { OutboundHttpClient } from './outbound-http.client';

/**
 * The one client for outbound HTTP made on a tenant's behalf (http-client.ts says what it guarantees).
 * Global like the egress gate it builds on: suites (webhooks) inject the shared OutboundHttpClient;
 * step plugins and connection tests build theirs from EgressService (outbound-http.client.ts says why).
 */
@Global()
@Module({
  providers: [{ provide: OutboundHttpClient, inject: [EgressService], useFactory: (egress: EgressService) => new OutboundHttpClient(egress) }],
  exports: [OutboundHttpClient],
})
export class OutboundHttpModule {}
