import { StepError, type StepContext } from '../../steps/step-plugin';

/** Budget of a step's connection to the broker (TCP/TLS connect and CONNACK); the step deadline also applies. */
export const MQTT_POOL_CONNECT_TIMEOUT_MS = 10_000;

/** A StepError saying what failed and why, with cancellation and step timeouts told apart from broker errors. */
export function describeMqttFailure(error: unknown, ctx: Pick<StepContext<unknown>, 'signal'>, what: string): StepError {
  if (error instanceof StepError) return error;
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason as { name?: string; message?: string } | undefined;
    return reason?.name === 'TimeoutError'
      ? new StepError(`${what}: timed out (step timeout)`, { reason: 'timeout' })
      : new StepError(`${what}: cancelled (${reason?.message ?? String(reason)})`, { reason: 'aborted' });
  }
  const e = error as { message?: string; code?: number | string };
  return new StepError(`${what}: ${e.message ?? String(error)}`, typeof e.code === 'number' ? { reasonCode: e.code } : undefined);
}
