import { CliError } from '../cli-error';
import type { Output } from '../output';

export interface LiveSource<T> {
  /** Reads the SSE stream until it ends; resolves early when the final state is seen. */
  stream(signal: AbortSignal): Promise<void>;
  /** Reads the current state (and prints what the stream missed). */
  read(): Promise<T>;
  isFinal(state: T): boolean;
  /** Redraws the TTY progress line. */
  tick(): void;
  timeoutMessage: string;
}

const POLL_MS = 1_000;

/**
 * Follows a run: the event stream first, then reads of the run until it is final — live updates are
 * best-effort (docs/STREAMING.md), so a dropped stream falls back to polling, and the final read prints
 * whatever the stream missed. Exit 3 (CliError) when `deadline` passes first.
 */
export async function followLive<T>(source: LiveSource<T>, out: Output, deadline: number): Promise<T> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
  const spinner = out.interactive ? setInterval(() => source.tick(), 100) : undefined;
  try {
    await source.stream(abort.signal).catch((error: unknown) => {
      // 404, 401, unreachable: the user must know. A stream that merely dropped is replaced by polling.
      if (!abort.signal.aborted && error instanceof CliError) throw error;
    });
    for (;;) {
      if (Date.now() >= deadline) throw CliError.unreachable(source.timeoutMessage);
      const state = await source.read();
      if (source.isFinal(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    clearTimeout(timer);
    if (spinner) clearInterval(spinner);
    out.clearProgress();
  }
}
