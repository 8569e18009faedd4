/** One request as the browser timed it: start and end in ms on one clock. */
export interface TimedRequest {
  start: number;
  end: number;
}

/**
 * Waterfall level of each request: 1 when no other request of the set had finished before it started,
 * else 1 + the highest level among those that had (it may have waited for them). The depth of a
 * navigation is the highest level: 1 = everything in parallel, 2 = one round of "load A, then B".
 * Requests started within BURST_MS of each other came from one render (one batch of effects), so a
 * request keeps the level of an earlier one of its burst even if a short request ended in between.
 * A request that merely started late (a click, a timer) still counts as a level: the figure is an upper
 * bound; read the per-request listing to see which dependencies are real.
 */
const BURST_MS = 20;

export function waterfallLevels(requests: readonly TimedRequest[]): number[] {
  const order = requests.map((_, i) => i).sort((a, b) => requests[a].start - requests[b].start);
  const levels = new Array<number>(requests.length).fill(1);
  for (const i of order) {
    for (const j of order) {
      if (j !== i && requests[j].end <= requests[i].start) levels[i] = Math.max(levels[i], levels[j] + 1);
    }
    for (const j of order) {
      if (j === i) break;
      if (requests[i].start - requests[j].start <= BURST_MS) levels[i] = Math.min(levels[i], levels[j]);
    }
  }
  return levels;
}

export function waterfallDepth(requests: readonly TimedRequest[]): number {
  return requests.length ? Math.max(...waterfallLevels(requests)) : 0;
}
