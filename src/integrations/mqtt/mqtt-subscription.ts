import type { IPublishPacket, ISubscriptionGrant, ISubscriptionMap } from 'mqtt';
import { MessageSearch, type MessageSearchPattern } from '../../steps/shared/message-search';
import { decodeMessageValue } from '../../steps/shared/message-matcher';
import { StepError } from '../../steps/step-plugin';
import type { MqttConnection } from './mqtt-connection';
import type { MqttQos } from './mqtt-publish-step.config';
import type { MqttReceivedMessage, MqttSubscribeStepConfig, MqttSubscribeStepResult } from './mqtt-subscribe-step.config';

/** Body bytes kept per message (matched on and returned); the rest is cut and the message marked `truncated`. */
export const MQTT_MAX_BODY_BYTES = 1024 * 1024;
/** Body bytes one subscription may keep in all (held before a deferred pattern is known, plus matches). */
export const MQTT_MAX_KEPT_BYTES = 32 * 1024 * 1024;

/** MQTT 5 subscription option "retain handling": 0 send retained messages on subscribe, 2 never. */
const RETAIN_HANDLING = { include: 0, ignore: 2 } as const;

export interface MqttSubscriptionOptions {
  connection: MqttConnection;
  config: MqttSubscribeStepConfig;
  resourceName: string;
  signal: AbortSignal;
  deadline: number;
  deferMatch: boolean;
  log: (message: string) => void;
  onClosed: () => void;
}

/**
 * One `mqtt-subscribe` window on its own connection: subscribe, wait for SUBACK, then hand every
 * PUBLISH to the shared MessageSearch, which matches and settles. The connection is the subscription's
 * alone (a shared one would mix overlapping filters of concurrent steps and re-deliver retained
 * messages to each), with a clean session, so closing it removes the subscription at the broker.
 *
 * Retained messages: with `retained: "ignore"` an MQTT 5 subscription asks the broker not to send them
 * (retain handling 2) and, for MQTT 3.1.1, which always sends them, the ones flagged retain are skipped.
 * A broker clears the flag on messages forwarded live (MQTT 5 without retain-as-published, as here), so
 * only the stale ones handed out on subscribing are skipped.
 */
export class MqttSubscription {
  readonly search: MessageSearch<MqttReceivedMessage>;
  private readonly source: string;
  private keptBytes = 0;
  private heldBytes = 0;
  private matching: boolean;
  private ignoredRetained = 0;
  private stopListening: () => void = () => undefined;
  private closing?: Promise<void>;

  constructor(private readonly options: MqttSubscriptionOptions) {
    const { topics } = options.config;
    this.source = topics.length === 1 ? `topic "${topics[0]}"` : `topics ${topics.map((t) => `"${t}"`).join(', ')}`;
    this.matching = !options.deferMatch;
    this.search = new MessageSearch<MqttReceivedMessage>({
      config: options.config,
      source: this.source,
      signal: options.signal,
      deadline: options.deadline,
      deferMatch: options.deferMatch,
      close: () => this.close(),
    });
  }

  get result(): Promise<MqttSubscribeStepResult> {
    return this.search.result;
  }

  /** Subscribes and resolves once the broker granted every filter (SUBACK) and the window has started. */
  async subscribe(): Promise<void> {
    const { connection, config, resourceName, signal } = this.options;
    connection.client.on('message', this.onMessage);
    this.stopListening = connection.onLost((reason) => this.search.fail(`the connection to the broker of resource "${resourceName}" was lost: ${reason}`));
    const qos = config.qos ?? 1;
    const rh = RETAIN_HANDLING[config.retained ?? 'ignore'];
    const map: ISubscriptionMap = Object.fromEntries(config.topics.map((topic) => [topic, { qos, rh }]));
    let grants: ISubscriptionGrant[];
    try {
      grants = await new Promise<ISubscriptionGrant[]>((resolve, reject) => {
        const abort = () => reject(signal.reason);
        if (signal.aborted) return abort();
        signal.addEventListener('abort', abort, { once: true });
        connection.client.subscribe(map, (error, granted) => {
          signal.removeEventListener('abort', abort);
          if (error) reject(error);
          else resolve(granted ?? []);
        });
      });
    } catch (error) {
      await this.close();
      throw error;
    }
    const refused = grants.filter((grant) => grant.qos >= 0x80);
    if (refused.length) {
      await this.close();
      throw new StepError(
        `the broker of resource "${resourceName}" refused the subscription to ${refused.map((g) => `"${g.topic}" (reason code ${g.qos})`).join(', ')}: is the user allowed to read it?`,
        { reason: 'subscription-refused' },
      );
    }
    await this.search.start();
  }

  /** Deferred match: the pattern is known now. */
  startMatching(search: MessageSearchPattern | undefined): void {
    this.matching = true;
    this.keptBytes -= this.heldBytes;
    this.heldBytes = 0;
    this.search.startMatching(search);
  }

  /** Ends the window now (worker shutdown). */
  stop(reason: string): Promise<void> {
    return this.search.stop(reason);
  }

  private readonly onMessage = (topic: string, payload: Buffer, packet: IPublishPacket): void => {
    if (this.search.isFinished) return;
    if (packet.retain && (this.options.config.retained ?? 'ignore') === 'ignore') {
      this.ignoredRetained++;
      return;
    }
    const truncated = payload.length > MQTT_MAX_BODY_BYTES;
    const body = truncated ? payload.subarray(0, MQTT_MAX_BODY_BYTES) : payload;
    // Held (deferred pattern) messages are kept until matching starts; otherwise only matches are kept.
    if (!this.matching && !this.keep(body.length, true)) return;
    const headers = userPropertiesOf(packet);
    const receivedAt = new Date().toISOString();
    this.search.offer({
      text: body.toString('utf8'),
      headers,
      toResult: () => {
        this.keep(body.length, false);
        return {
          topic,
          value: decodeMessageValue(body),
          headers,
          timestamp: receivedAt,
          qos: packet.qos as MqttQos,
          retain: packet.retain,
          ...(truncated && { truncated: true as const }),
        };
      },
    });
  };

  /** Counts bytes kept; past the budget the window fails rather than growing without bound. */
  private keep(bytes: number, held: boolean): boolean {
    this.keptBytes += bytes;
    if (held) this.heldBytes += bytes;
    if (this.keptBytes <= MQTT_MAX_KEPT_BYTES) return true;
    this.search.fail(`more than ${MQTT_MAX_KEPT_BYTES / 1024 / 1024} MiB of messages kept on ${this.source}: narrow the topic filters, add a searchPattern or lower messageLimit`);
    return false;
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      const { connection } = this.options;
      this.stopListening();
      connection.client.removeListener('message', this.onMessage);
      await connection.close();
      if (this.ignoredRetained) this.options.log(`ignored ${this.ignoredRetained} retained message(s) handed out on subscribing (retained: "ignore")`);
      this.options.onClosed();
    })();
    return this.closing;
  }
}

function userPropertiesOf(packet: IPublishPacket): Record<string, string | string[]> {
  const properties = packet.properties?.userProperties;
  return properties ? { ...(properties as Record<string, string | string[]>) } : {};
}
