import { io, type Socket } from 'socket.io-client';

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

interface LiveUpdate {
  executionId: string;
  seq: number;
  updateType: string;
  executionStatus: string;
  at: string;
}

export interface FinishedEvent {
  executionId: string;
  status: string;
  /** performance.now() when the client learnt the execution was over. */
  receivedAt: number;
}

/**
 * One Socket.IO connection to the API's `/executions` namespace that can wait for many executions:
 * `waitFor(id)` resolves on the EXECUTION_FINISHED update, or on a terminal snapshot when the client
 * joined after the end (docs/STREAMING.md).
 */
export class LiveClient {
  readonly socket: Socket;
  private readonly waiters = new Map<string, (e: FinishedEvent) => void>();
  onUpdate?: (update: { executionId: string; seq: number; updateType: string; at: string }, receivedAtEpochMs: number) => void;

  private constructor(socket: Socket) {
    this.socket = socket;
    // Joins ask for `updates` batches (what the web UI does); `update` stays handled for a server without them.
    const onUpdate = (u: LiveUpdate) => {
      this.onUpdate?.(u, Date.now());
      if (u.updateType === 'EXECUTION_FINISHED') this.resolve(u.executionId, u.executionStatus);
    };
    socket.on('update', onUpdate);
    socket.on('updates', (updates: LiveUpdate[]) => updates.forEach(onUpdate));
    socket.on('snapshot', (s: { id: string; status: string }) => {
      if (TERMINAL.includes(s.status)) this.resolve(s.id, s.status);
    });
  }

  static async connect(apiUrl: string, token: string): Promise<LiveClient> {
    const socket = io(`${apiUrl}/executions`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new LiveClient(socket);
  }

  /** Joins the execution's stream and resolves when it is over. */
  async waitFor(executionId: string): Promise<FinishedEvent> {
    const finished = new Promise<FinishedEvent>((resolve) => this.waiters.set(executionId, resolve));
    const ack = (await this.socket.emitWithAck('join', { executionId, batch: true })) as { ok: boolean; error?: string };
    if (!ack.ok) throw new Error(`join ${executionId}: ${ack.error}`);
    const event = await finished;
    await this.socket.emitWithAck('leave', { executionId });
    return event;
  }

  async join(executionId: string): Promise<void> {
    const ack = (await this.socket.emitWithAck('join', { executionId, batch: true })) as { ok: boolean; error?: string };
    if (!ack.ok) throw new Error(`join ${executionId}: ${ack.error}`);
  }

  close(): void {
    this.socket.disconnect();
  }

  private resolve(executionId: string, status: string): void {
    const waiter = this.waiters.get(executionId);
    if (!waiter) return;
    this.waiters.delete(executionId);
    waiter({ executionId, status, receivedAt: performance.now() });
  }
}
