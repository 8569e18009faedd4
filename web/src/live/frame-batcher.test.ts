import { describe, expect, it } from 'vitest';
import { createFrameBatcher, type FrameScheduler } from './frame-batcher';

function manualFrames() {
  const callbacks: (() => void)[] = [];
  const schedule: FrameScheduler = (callback) => {
    callbacks.push(callback);
    return () => callbacks.splice(callbacks.indexOf(callback), 1);
  };
  return { schedule, scheduled: () => callbacks.length, frame: () => callbacks.splice(0).forEach((c) => c()) };
}

describe('createFrameBatcher', () => {
  it('hands over everything pushed during a frame in one call, in arrival order', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => flushed.push(items), frames.schedule);
    for (let i = 1; i <= 200; i++) batcher.push(i);
    expect(frames.scheduled()).toBe(1);
    expect(flushed).toEqual([]);
    frames.frame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    batcher.push(201);
    frames.frame();
    expect(flushed).toEqual([expect.any(Array), [201]]);
  });

  it('clear drops the queue and the scheduled frame', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => flushed.push(items), frames.schedule);
    batcher.push(1);
    batcher.clear();
    expect(frames.scheduled()).toBe(0);
    frames.frame();
    expect(flushed).toEqual([]);
    batcher.push(2);
    frames.frame();
    expect(flushed).toEqual([[2]]);
  });
});
