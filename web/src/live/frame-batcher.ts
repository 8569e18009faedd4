/** Schedules a callback for the next frame; returns a cancel function. requestAnimationFrame in the browser. */
export type FrameScheduler = (callback: () => void) => () => void;

export const animationFrame: FrameScheduler = (callback) => {
  const id = requestAnimationFrame(() => callback());
  return () => cancelAnimationFrame(id);
};

/**
 * Collects items (live updates) and hands them over once per frame, so 200 updates/s cost one state
 * change and one render per frame instead of 200. `flush` gets the items in arrival order.
 */
export function createFrameBatcher<T>(flush: (items: T[]) => void, schedule: FrameScheduler = animationFrame) {
  let queue: T[] = [];
  let cancel: (() => void) | null = null;
  const run = () => {
    cancel = null;
    const items = queue;
    queue = [];
    if (items.length) flush(items);
  };
  return {
    push(item: T): void {
      queue.push(item);
      cancel ??= schedule(run);
    },
    /** Drops what is queued (a snapshot replaces it, or the view unmounts). */
    clear(): void {
      queue = [];
      cancel?.();
      cancel = null;
    },
    get pending(): number {
      return queue.length;
    },
  };
}
