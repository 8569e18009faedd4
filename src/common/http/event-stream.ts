import type { MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';

export interface StreamedEvent {
  type: string;
  data: string | object;
  seq?: number;
}

/**
 * Adapts a live-stream hub subscription (snapshot first, then ordered updates) to the Observable that
 * Nest's @Sse expects. The stream completes after the final event, once it has been flushed.
 */
export function toServerSentEvents<E>(
  subscribe: (sink: (event: E) => void) => Promise<() => void>,
  describe: (event: E) => StreamedEvent,
  isFinal: (event: E) => boolean,
): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    let stop: (() => void) | undefined;
    let closed = false;
    subscribe((event) => {
      const { type, data, seq } = describe(event);
      subscriber.next({ type, data, ...(seq !== undefined && { id: String(seq) }) });
      if (isFinal(event)) {
        closed = true;
        setImmediate(() => subscriber.complete());
      }
    })
      .then((unsubscribe) => {
        stop = unsubscribe;
        if (closed) unsubscribe();
      })
      .catch((error: Error) => subscriber.error(error));
    return () => stop?.();
  });
}
