import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Prompt reclamation of large step payloads (issue #15: worker RSS while 20 steps each receive 10 MB).
 *
 * A step's big response body lives in memory V8 counts as "external" (Buffers, external one-byte
 * strings). V8 collects it only when external memory has grown by a fixed allowance (64 MB) since the
 * last full collection, and then incrementally, so several dead 10 MB bodies pile up before any is
 * freed: a worker peaked at +140 MB over idle on a flow that never holds more than one body at a time.
 * For a multi-tenant worker that is memory a tenant's flow makes the process hold for nothing.
 *
 * So plugins that have just received a large payload tell this collector its size; once the large
 * payloads since the last collection add up to PAYLOAD_BUDGET_BYTES it asks V8 for a full collection
 * on the next turn of the event loop (after the step has handed its result on). A full collection of a
 * worker's small heap takes a few milliseconds, about what it takes to receive and decode 8 MB, so
 * steady traffic of small responses never triggers it and big ones pay little. Measured by the
 * large-responses drill (20 × 10 MB): peak +140 MB over idle without it, +106–123 MB with a 32 MB
 * budget, +96–113 MB with 16 MB, +55–73 MB with 8 MB (each received body is held about four times
 * over while a step decodes, measures and stores it).
 *
 * `gc` is not exposed without `--expose-gc`; the flag is set at runtime once, and the function taken
 * from a fresh context (the documented way V8 exposes it). Where that fails the collector does nothing
 * and V8's own heuristics apply.
 */
export const LARGE_PAYLOAD_BYTES = 1024 * 1024;
export const PAYLOAD_BUDGET_BYTES = 8 * 1024 * 1024;

type Collect = () => void;

function exposeGc(): Collect | undefined {
  const existing = (globalThis as { gc?: Collect }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Collect) : undefined;
  } catch {
    return undefined;
  }
}

export class LargePayloadCollector {
  private pending = 0;
  private scheduled = false;
  /** null: not looked up yet; undefined: not available. */
  private collect: Collect | undefined | null;

  constructor(
    private readonly budgetBytes = PAYLOAD_BUDGET_BYTES,
    collect?: Collect,
  ) {
    this.collect = collect ?? null;
  }

  /** A payload of `bytes` was just received; small ones are not counted. */
  note(bytes: number): void {
    if (bytes < LARGE_PAYLOAD_BYTES) return;
    this.pending += bytes;
    if (this.pending < this.budgetBytes || this.scheduled) return;
    if (this.collect === null) this.collect = exposeGc();
    if (!this.collect) return;
    this.pending = 0;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.collect?.();
    });
  }
}

/** One per process: the heap is the process's. */
export const largePayloads = new LargePayloadCollector();
