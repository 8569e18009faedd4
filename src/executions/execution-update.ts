import type { ExecutionStatus, StepStatus } from './execution-status';

/** Published by workers on every state change; forwarded to Socket.IO and SSE clients (docs/STREAMING.md). */
export interface ExecutionStatusUpdate {
  executionId: string;
  teamId: string;
  /** Per-execution sequence number, strictly increasing; snapshots carry the last one they include. */
  seq: number;
  /** EXECUTION_WAITING: still PENDING, its team is at its concurrency limit (message says so). */
  updateType: 'EXECUTION_WAITING' | 'EXECUTION_STARTED' | 'STEP_STARTED' | 'STEP_FINISHED' | 'EXECUTION_FINISHED';
  executionStatus: ExecutionStatus;
  stepUpdate?: {
    stepIndex: number;
    stepId: string;
    name: string;
    status: StepStatus;
    response?: unknown;
    error?: string | null;
    attempts?: number;
    durationMs?: number | null;
    /** On a STEP_FINISHED: the lines the plugin logged (`ctx.log`), when it logged any. */
    logs?: string[];
    /** A `flow` step's child execution, once started. */
    childExecutionId?: string;
    /** A failure of a step with allowFailure: the step is ERROR, the execution is not failed by it. */
    warning?: boolean;
    /** On a STEP_STARTED: the background steps this step waits for (it reads their result) before it runs. */
    waitingFor?: string[];
  };
  /** On every update of a child execution: the execution whose `flow` step started it. */
  parentExecutionId?: string;
  /** On EXECUTION_FINISHED: the flow's outputs as evaluated (absent when cancelled). */
  outputs?: Record<string, unknown>;
  message?: string;
  at: string;
}

export const EXECUTION_UPDATES_CHANNEL = 'execution-updates';
export const EXECUTION_CANCEL_CHANNEL = 'execution-cancel';

const ID_PREFIX = '{"executionId":"';

/**
 * The execution an update message is about, read without parsing it: every API instance receives every
 * update of every worker, and most concern executions nobody here is watching. Relies on the publisher
 * serialising `executionId` first (ExecutionProgressService builds updates that way); for any other
 * shape it answers undefined and the caller parses the message. A batch (an array of one execution's
 * updates, see parseUpdateMessage) is peeked at its first update.
 */
export function peekExecutionId(message: string): string | undefined {
  const start = message.startsWith(ID_PREFIX) ? ID_PREFIX.length : message.startsWith('[' + ID_PREFIX) ? ID_PREFIX.length + 1 : -1;
  if (start < 0) return undefined;
  const end = message.indexOf('"', start);
  return end > start ? message.slice(start, end) : undefined;
}

/**
 * The updates one message carries: a single update, or — one PUBLISH for a whole stored batch instead
 * of one per transition — a JSON array of one execution's updates in order. Throws on malformed JSON.
 */
export function parseUpdateMessage(message: string): ExecutionStatusUpdate[] {
  const parsed = JSON.parse(message) as ExecutionStatusUpdate | ExecutionStatusUpdate[];
  return Array.isArray(parsed) ? parsed : [parsed];
}
