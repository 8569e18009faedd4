import { Injectable } from '@nestjs/common';
import { SENT_CORRELATION_SCHEMA } from '../../steps/shared/correlation-headers';
import { untilAborted } from '../../steps/shared/until-aborted';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { NatsResourceConfig } from './nats-resource-config.dto';
import { JetStreamPublishStepConfig, type JetStreamPublishStepResult } from './jetstream-publish-step.config';
import { NatsConnections, type NatsClient } from './nats-connections';
import { encodeBody, outgoingHeaders } from './nats-message';
import { describeNatsStepError } from './nats-step-errors';

/** How long the server's ack may take (the step timeout also applies). */
const ACK_TIMEOUT_MS = 10_000;

@StepPlugin({
  type: 'jetstream-publish',
  description:
    'Publishes one message to JetStream and waits for the server\'s ack: the result says which stream stored it and at which sequence. Fails clearly when no stream captures the subject.',
  config: JetStreamPublishStepConfig,
  resource: NatsResourceConfig,
  resultSchema: {
    type: 'object',
    properties: {
      subject: { type: 'string' },
      stream: { type: 'string', description: 'The stream that stored the message' },
      seq: { type: 'integer', description: 'Its sequence in that stream' },
      duplicate: { type: 'boolean', description: 'The stream already had a message with this msgId (not stored again)' },
      sent: SENT_CORRELATION_SCHEMA,
    },
    required: ['subject', 'stream', 'seq', 'duplicate'],
  },
})
@Injectable()
export class JetStreamPublishStep implements StepRunner<JetStreamPublishStepConfig, JetStreamPublishStepResult, NatsResourceConfig> {
  constructor(private readonly connections: NatsConnections) {}

  run(ctx: StepContext<JetStreamPublishStepConfig, NatsResourceConfig>): Promise<JetStreamPublishStepResult> {
    const { config } = ctx;
    const where = `JetStream publish to subject "${config.subject}" on resource "${ctx.resource.name}"`;
    return this.connections.withClient(
      ctx,
      async (client) => {
        const { headers, sent } = outgoingHeaders(config, ctx);
        const timeout = Math.max(1, Math.min(ACK_TIMEOUT_MS, ctx.deadline - Date.now()));
        const ack = await untilAborted(client.jetstream().publish(config.subject, encodeBody(config.message), { headers, msgID: config.msgId, timeout }), ctx.signal);
        return { subject: config.subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate, ...(sent && { sent }) };
      },
      (error, client) => (ctx.signal.aborted ? describeNatsStepError(error, ctx, `${where} failed`) : publishError(error, client, config.subject, where)),
    );
  }
}

/**
 * A publish nobody acks comes back as "no responders", which the client words as "jetstream is not
 * enabled" — also when JetStream is on and simply no stream takes the subject. The server says which.
 */
async function publishError(error: unknown, client: NatsClient, subject: string, where: string): Promise<StepError> {
  const e = error as { name?: string; message?: string } | undefined;
  const noAck = e?.name === 'JetStreamNotEnabled' || /no responders|not enabled/i.test(e?.message ?? '');
  if (!noAck) return new StepError(`${where} failed: ${e?.message ?? String(error)}`, { natsError: e?.name });
  if (client.nc.info?.jetstream !== true) {
    return new StepError(`${where} failed: JetStream is not enabled on the server`, { reason: 'jetstream-disabled' });
  }
  try {
    const stream = await (await client.jetstreamManager()).streams.find(subject);
    return new StepError(`${where} failed: stream "${stream}" captures the subject but did not acknowledge (${e?.message ?? String(error)})`);
  } catch {
    return new StepError(`${where} failed: no JetStream stream captures subject "${subject}" (create a stream whose subjects include it, or publish with nats-publish)`, {
      reason: 'no-stream',
    });
  }
}
