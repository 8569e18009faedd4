import type pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

export interface StepProgress {
  stepIndex: number;
  name: string;
  status: string;
  durationMs?: number | null;
  attempts?: number;
  error?: string | null;
}

export interface AssertionOutcome {
  path: string;
  operator: string;
  expected?: unknown;
  actual?: unknown;
  passed: boolean;
  message?: string;
}

const MARKS: Record<string, { mark: string; paint: keyof Colors }> = {
  SUCCESS: { mark: '✓', paint: 'green' },
  COMPLETED: { mark: '✓', paint: 'green' },
  ERROR: { mark: '✗', paint: 'red' },
  FAILED: { mark: '✗', paint: 'red' },
  CANCELLED: { mark: '⊘', paint: 'yellow' },
  SKIPPED: { mark: '-', paint: 'dim' },
  IN_PROGRESS: { mark: '▸', paint: 'cyan' },
  PENDING: { mark: '·', paint: 'dim' },
};

function paint(colors: Colors, status: string, text: string): string {
  const style = MARKS[status]?.paint ?? 'reset';
  return (colors[style] as (s: string) => string)(text);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}

/** `  ▸ [2] createOrder  started` — one line when a step starts (plain output; TTYs show it in the progress line). */
export function formatStepStarted(step: Pick<StepProgress, 'stepIndex' | 'name'>, colors: Colors): string {
  return `  ${colors.cyan('▸')} [${step.stepIndex + 1}] ${step.name}  ${colors.dim('started')}`;
}

/** `  ✓ [1] createOrder  SUCCESS  12ms  1 attempt` plus the error on failure. */
export function formatStepFinished(step: StepProgress, colors: Colors): string {
  const mark = MARKS[step.status]?.mark ?? '?';
  const parts = [
    `  ${paint(colors, step.status, mark)} [${step.stepIndex + 1}] ${step.name}`,
    paint(colors, step.status, step.status),
    formatDuration(step.durationMs),
    step.attempts ? `${step.attempts} attempt${step.attempts === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const line = parts.join('  ');
  return step.error && step.status !== 'SUCCESS' ? `${line}\n      ${colors.red(step.error)}` : line;
}

/** The failed assertions of a step: what was expected and what the step actually produced. */
export function formatFailedAssertions(assertions: readonly AssertionOutcome[], colors: Colors): string[] {
  return assertions
    .filter((a) => !a.passed)
    .map(
      (a) =>
        `      ${colors.red('assertion failed')} ${a.path} ${a.operator}: expected ${colors.green(show(a.expected))}, actual ${colors.red(show(a.actual))}`,
    );
}

/** `COMPLETED in 1.20s — 3 steps: 3 passed` */
export function formatVerdict(
  subject: string,
  status: string,
  durationMs: number | null | undefined,
  counts: Record<string, number>,
  colors: Colors,
): string {
  const tally = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label}`)
    .join(', ');
  const took = durationMs !== null && durationMs !== undefined ? ` in ${formatDuration(durationMs)}` : '';
  return `${paint(colors, status, `${MARKS[status]?.mark ?? '?'} ${subject} ${status}`)}${took}${tally ? ` — ${tally}` : ''}`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The TTY progress line: spinner, steps done of total, the step running now, time so far. */
export function formatProgress(frame: number, done: number, total: number, running: string | undefined, elapsedMs: number, colors: Colors): string {
  const spinner = colors.cyan(SPINNER[frame % SPINNER.length]);
  return `${spinner} ${done}/${total} steps${running ? `  ${running}` : ''}  ${colors.dim(formatDuration(elapsedMs))}`;
}

function show(value: unknown): string {
  if (value === undefined) return '(nothing)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
