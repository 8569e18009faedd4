import { LARGE_PAYLOAD_BYTES, LargePayloadCollector } from './large-payload-collector';

const MB = 1024 * 1024;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('LargePayloadCollector', () => {
  it('never collects for small payloads, however many', async () => {
    const collect = jest.fn();
    const collector = new LargePayloadCollector(8 * MB, collect);
    for (let i = 0; i < 1_000; i++) collector.note(LARGE_PAYLOAD_BYTES - 1);
    await nextTurn();
    expect(collect).not.toHaveBeenCalled();
  });

  it('collects once on the next turn when large payloads reach the budget, then counts afresh', async () => {
    const collect = jest.fn();
    const collector = new LargePayloadCollector(8 * MB, collect);
    collector.note(5 * MB);
    await nextTurn();
    expect(collect).not.toHaveBeenCalled();
    collector.note(5 * MB); // 10 MB >= 8 MB
    expect(collect).not.toHaveBeenCalled(); // not while the step still holds its payload
    await nextTurn();
    expect(collect).toHaveBeenCalledTimes(1);
    collector.note(5 * MB);
    await nextTurn();
    expect(collect).toHaveBeenCalledTimes(1);
    collector.note(20 * MB);
    collector.note(20 * MB); // already scheduled: one collection covers both
    await nextTurn();
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('finds V8\'s gc in this process (the worker relies on it)', () => {
    // Without an injected function the collector exposes V8's own; a failure here means the worker
    // would silently fall back to V8's heuristics.
    const collector = new LargePayloadCollector(1);
    expect(() => collector.note(LARGE_PAYLOAD_BYTES)).not.toThrow();
    expect((collector as unknown as { collect: unknown }).collect).toEqual(expect.any(Function));
  });
});
