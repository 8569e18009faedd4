import pc from 'picocolors';

export type OutputFormat = 'text' | 'json';

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Where every command writes: human lines on stdout (unless `--quiet` or `--output json`), problems and
 * errors on stderr, one JSON document on stdout for `--output json`. Colour only on a TTY without
 * NO_COLOR / `--no-color`; the progress line (rewritten in place) only on a TTY.
 */
export class Output {
  readonly colors: Colors;

  constructor(
    readonly format: OutputFormat,
    readonly quiet: boolean,
    color: boolean,
    readonly interactive: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {
    this.colors = pc.createColors(color);
  }

  private progressShown = false;

  /** A line of the human report (hidden by --quiet and --output json). */
  line(text = ''): void {
    if (this.quiet || this.format === 'json') return;
    this.clearProgress();
    this.stdout.write(`${text}\n`);
  }

  /** A line that --quiet keeps (the verdict), still hidden by --output json. */
  summary(text: string): void {
    if (this.format === 'json') return;
    this.clearProgress();
    this.stdout.write(`${text}\n`);
  }

  /** Problems and errors: always shown, on stderr. */
  error(text: string): void {
    this.clearProgress();
    this.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    if (this.format !== 'json') return;
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** The in-place status line of a TTY (spinner, counters); nothing in CI logs. */
  progress(text: string): void {
    if (!this.interactive || this.quiet || this.format === 'json') return;
    this.stdout.write(`\r\x1b[2K${text}`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.stdout.write('\r\x1b[2K');
    this.progressShown = false;
  }
}
