import { StepError } from '../step-plugin';
import { checkSearchPattern, MAX_KEPT_CHARS, MessageSearch, type MessageSearchConfig } from './message-search';

function searchOf(config: MessageSearchConfig, extra: { deferMatch?: boolean; deadline?: number; signal?: AbortSignal } = {}) {
  const closed: string[] = [];
  const search = new MessageSearch<{ value: string }>({
    config,
    source: 'queue "orders"',
    signal: extra.signal ?? new AbortController().signal,
    deadline: extra.deadline ?? Date.now() + 10_000,
    deferMatch: extra.deferMatch,
    close: async () => {
      closed.push('closed');
    },
  });
  const offer = (text: string, headers?: Record<string, string>) => search.offer({ text, headers, toResult: () => ({ value: text }) });
  return { search, offer, closed };
}

describe('MessageSearch', () => {
  it('settles on the first match (contains) after closing, counting what it scanned', async () => {
    const { search, offer, closed } = searchOf({ searchPattern: { matchType: 'contains', pattern: 'abc' }, timeoutMs: 5_000 });
    await search.start();
    offer('nope');
    offer('x abc y');
    offer('abc again'); // after the end: ignored
    await expect(search.result).resolves.toEqual({ messages: [{ value: 'x abc y' }], matchedCount: 1, scannedCount: 2 });
    expect(closed).toEqual(['closed']);
  });

  it('with matchAll collects until messageLimit; jsonpath and header patterns match', async () => {
    const all = searchOf({ searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.id == 'a')]", matchAll: true }, messageLimit: 2, timeoutMs: 5_000 });
    await all.search.start();
    all.offer('{"id":"a","n":1}');
    all.offer('{"id":"b"}');
    all.offer('{"id":"a","n":2}');
    await expect(all.search.result).resolves.toMatchObject({ matchedCount: 2, scannedCount: 3 });

    const header = searchOf({ searchPattern: { matchType: 'header', header: 'X-Correlation-Id', pattern: 'c1' }, timeoutMs: 5_000 });
    await header.search.start();
    header.offer('one', { 'x-correlation-id': 'c0' });
    header.offer('two', { 'x-correlation-id': 'c1' });
    await expect(header.search.result).resolves.toMatchObject({ messages: [{ value: 'two' }] });
  });

  it('fails at the end of the window with what it received and what it looked for', async () => {
    const { search, offer } = searchOf({ searchPattern: { matchType: 'contains', pattern: 'zzz' }, timeoutMs: 150 });
    await search.start();
    offer('a');
    offer('b');
    const error = await search.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as Error).message).toBe('no message on queue "orders" contained "zzz" within 150 ms; received 2, none matched');
  });

  it('expect "none": passes after a silent window, fails at once on a match with it in the result', async () => {
    const quiet = searchOf({ expect: 'none', timeoutMs: 100 });
    await quiet.search.start();
    await expect(quiet.search.result).resolves.toEqual({ messages: [], matchedCount: 0, scannedCount: 0 });

    const noisy = searchOf({ expect: 'none', timeoutMs: 5_000, searchPattern: { matchType: 'contains', pattern: 'refund' } });
    await noisy.search.start();
    noisy.offer('order');
    noisy.offer('refund 42');
    const error = (await noisy.search.result.catch((e: unknown) => e)) as StepError;
    expect(error.message).toContain('expected no message on queue "orders" that contained "refund", but found: {"value":"refund 42"}');
    expect(error.details).toMatchObject({ reason: 'unexpected-match', final: true, result: { matchedCount: 1, scannedCount: 2 } });
  });

  it('expect "none" refuses a window the step timeout cannot hold, and closes', async () => {
    const { search, closed } = searchOf({ expect: 'none', timeoutMs: 5_000 }, { deadline: Date.now() + 3_000 });
    await expect(search.start()).rejects.toThrow(/step's timeoutMs at least 1000 ms above config.timeoutMs/);
    expect(closed).toEqual(['closed']);
  });

  it('deferred match keeps messages until the pattern is known, then matches them in order', async () => {
    const { search, offer } = searchOf({ timeoutMs: 5_000 }, { deferMatch: true });
    await search.start();
    offer('id=1');
    offer('id=2');
    search.startMatching({ matchType: 'contains', pattern: 'id=2' });
    await expect(search.result).resolves.toEqual({ messages: [{ value: 'id=2' }], matchedCount: 1, scannedCount: 2 });
  });

  it('an abort ends the window with the reason', async () => {
    const controller = new AbortController();
    const { search } = searchOf({ timeoutMs: 5_000 }, { signal: controller.signal });
    await search.start();
    controller.abort(new Error('execution cancelled'));
    await expect(search.result).rejects.toThrow('subscription to queue "orders" cancelled (execution cancelled); received 0, 0 matched');
  });

  it('checkSearchPattern reports a JSONPath that cannot compile, and leaves templates for the run', () => {
    expect(checkSearchPattern({ searchPattern: { matchType: 'jsonpath', pattern: '$[?(@.a ==' } })).toEqual([
      expect.objectContaining({ path: '/searchPattern/pattern' }),
    ]);
    expect(checkSearchPattern({ searchPattern: { matchType: 'jsonpath', pattern: '$.${x}' } })).toEqual([]);
    expect(checkSearchPattern({ searchPattern: { matchType: 'contains', pattern: 'ok' } })).toEqual([]);
  });
});

describe('MessageSearch memory bound', () => {
  it('stops collecting at MAX_KEPT_CHARS of matches and says so; a deferred search keeps at most that much', async () => {
    const big = 'x'.repeat(MAX_KEPT_CHARS / 4 + 1);
    const all = searchOf({ searchPattern: { matchType: 'contains', pattern: 'x', matchAll: true }, messageLimit: 100, timeoutMs: 5_000 });
    await all.search.start();
    for (let i = 0; i < 10; i++) all.offer(big);
    const result = await all.search.result;
    expect(result.matchedCount).toBe(3);
    expect(result.scannedCount).toBe(4);
    expect(result.keptLimitReached).toMatch(/stopped collecting after \d+ characters/);

    const deferred = searchOf({ timeoutMs: 5_000 }, { deferMatch: true });
    await deferred.search.start();
    for (let i = 0; i < 10; i++) deferred.offer(`${i}${big}`);
    deferred.search.startMatching({ matchType: 'contains', pattern: '9x' });
    // The tenth was not kept (over the bound): the window goes on and ends empty.
    await deferred.search.stop('test over');
    await expect(deferred.search.result).rejects.toThrow('scanned 10 messages, 0 matched');
  });
});
