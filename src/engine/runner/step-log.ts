/** At most this many lines per step (all its attempts); later ones are counted, not kept. */
export const STEP_LOG_MAX_LINES = 50;
/** A longer line is cut to this many characters. */
export const STEP_LOG_MAX_LINE_CHARS = 1_000;

/**
 * The lines one step's plugin logs through `ctx.log`, stored with the step. Bounded, so a plugin that
 * logs in a loop cannot grow a step row without end; each line is redacted when written (before it is
 * cut, so a cut cannot leave half a secret behind).
 */
export class StepLog {
  private readonly kept: string[] = [];
  private dropped = 0;

  constructor(private readonly redact: (line: string) => string) {}

  write(message: string): void {
    if (this.kept.length >= STEP_LOG_MAX_LINES) {
      this.dropped++;
      return;
    }
    const line = this.redact(String(message));
    this.kept.push(line.length > STEP_LOG_MAX_LINE_CHARS ? `${line.slice(0, STEP_LOG_MAX_LINE_CHARS)}… (line cut at ${STEP_LOG_MAX_LINE_CHARS} characters)` : line);
  }

  /** The lines to store; undefined when the step logged nothing. */
  lines(): string[] | undefined {
    if (!this.kept.length) return undefined;
    if (!this.dropped) return [...this.kept];
    return [...this.kept, `… ${this.dropped} more line${this.dropped === 1 ? '' : 's'} not kept (at most ${STEP_LOG_MAX_LINES} per step)`];
  }
}
