import type { ExecutionStatusUpdate } from '../execution-update';
import type { StreamEvent, StreamSink } from './execution-stream.hub';

/**
 * The sink of a Socket.IO client that joined with `batch: true` (docs/STREAMING.md): the updates the hub
 * hands over in one go — every update of one worker message, delivered synchronously — leave as one
 * `updates` event carrying them in order, instead of one `update` event each.
 *
 * Why: a worker message carries every update of a progress batch (up to ~30 for a fast chain of steps),
 * and each Socket.IO event is its own WebSocket frame and socket write on the API and its own message
 * and parse on the client. Measured on `bench:chain` (RESULTS.md, session 8):
 * the API's write system calls −93 %, its CPU per relayed step about −25 %, the client's about −35 %.
 *
 * Order: the batch is flushed in a microtask, before any other I/O of this process runs, and a snapshot
 * first flushes what is pending, so the client sees exactly the order the hub produced.
 */
export function batchedUpdateSink(emit: (event: string, data: unknown) => void): StreamSink {
  let pending: ExecutionStatusUpdate[] | undefined;
  const flush = () => {
    const updates = pending;
    pending = undefined;
    if (updates?.length) emit('updates', updates);
  };
  return (event: StreamEvent) => {
    if (event.type !== 'update') {
      flush();
      emit(event.type, event.data);
      return;
    }
    if (!pending) {
      pending = [];
      queueMicrotask(flush);
    }
    pending.push(event.data);
  };
}
