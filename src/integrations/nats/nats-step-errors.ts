import { StepError, type StepContext } from '../../steps/step-plugin';

/** A NATS client failure inside a step as a StepError: `what` says what failed and where. */
export function describeNatsStepError(error: unknown, ctx: Pick<StepContext<unknown>, 'signal'>, what: string): StepError {
  if (error instanceof StepError) return error;
  if (ctx.signal.aborted) {
    const reason = ctx.signal.reason as { name?: string; message?: string } | undefined;
    return reason?.name === 'TimeoutError'
      ? new StepError(`${what}: the step timed out`, { reason: 'timeout' })
      : new StepError(`${what}: cancelled (${reason?.message ?? String(reason)})`, { reason: 'aborted' });
  }
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  return new StepError(`${what}: ${natsErrorText(error)}`, { natsError: e?.name, ...(e?.code && { code: e.code }) });
}

/** The client's message, with the cause of the usual ones said plainly. */
export function natsErrorText(error: unknown): string {
  const e = error as { name?: string; message?: string } | undefined;
  const message = e?.message ?? String(error);
  if (e?.name === 'PermissionViolationError' || /permissions violation/i.test(message)) return `${message} (the resource's user may not use this subject)`;
  if (/max_payload|maximum payload/i.test(message)) return `${message} (the message is larger than the server's max_payload)`;
  if (e?.name === 'ClosedConnectionError') return 'the connection to NATS is closed';
  return message;
}
