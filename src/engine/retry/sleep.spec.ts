import { AbortError } from './abort-error';
import { sleep } from './sleep';

describe('sleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves after the delay, not before', async () => {
    let done = false;
    const promise = sleep(1000).then(() => (done = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await promise;
    expect(done).toBe(true);
  });

  it('rejects promptly with an AbortError when the signal aborts, clearing its timer', async () => {
    const controller = new AbortController();
    const promise = sleep(60_000, controller.signal);
    await jest.advanceTimersByTimeAsync(10);
    expect(jest.getTimerCount()).toBe(1);
    controller.abort('cancelled');
    await expect(promise).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'cancelled' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once when the signal is already aborted, without a timer', async () => {
    const reason = new Error('timeout');
    const promise = sleep(1000, AbortSignal.abort(reason));
    expect(jest.getTimerCount()).toBe(0);
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
  });

  it('removes its abort listener once it has resolved', async () => {
    const controller = new AbortController();
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    const promise = sleep(5, controller.signal);
    await jest.advanceTimersByTimeAsync(5);
    await promise;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort(); // must not reject anything nor throw
  });

  it('treats negative and NaN delays as zero', async () => {
    const promises = [sleep(-5), sleep(Number.NaN)];
    await jest.advanceTimersByTimeAsync(0);
    await expect(Promise.all(promises)).resolves.toEqual([undefined, undefined]);
  });
});
