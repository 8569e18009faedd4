import { Injectable } from '@nestjs/common';
import { SuiteRunStore } from '../runs/suite-run-store';
import { isFinalSuiteEvent, SuiteRunStreamHub } from './suite-run-stream.hub';

const POLL_MS = 2000;

/**
 * Holds a run-and-wait request until the run finishes: woken by the live stream, with a slow database
 * poll behind it because Redis pub/sub is best-effort.
 */
@Injectable()
export class SuiteRunWaiter {
  constructor(
    private readonly hub: SuiteRunStreamHub,
    private readonly store: SuiteRunStore,
  ) {}

  /** True when the run finished within `timeoutMs`; false on timeout or when `signal` aborts. */
  waitForFinish(teamId: string, suiteRunId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let settled = false;
      let stop: (() => void) | undefined;
      const settle = (finished: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal?.removeEventListener('abort', onAbort);
        stop?.();
        resolve(finished);
      };
      const onAbort = () => settle(false);
      const timer = setTimeout(() => settle(false), timeoutMs);
      const poll = setInterval(() => {
        void this.store.find(teamId, suiteRunId).then((run) => run.status !== 'IN_PROGRESS' && settle(true), () => undefined);
      }, POLL_MS);
      signal?.addEventListener('abort', onAbort);
      this.hub
        .subscribe(teamId, suiteRunId, (event) => {
          if (isFinalSuiteEvent(event)) settle(true);
        })
        .then(
          (unsubscribe) => {
            stop = unsubscribe;
            if (settled) unsubscribe();
          },
          () => undefined,
        );
    });
  }
}
