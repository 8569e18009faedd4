import { findCycle, longestChainFrom, longestChainTo, type FlowCallGraph } from './flow-call-graph';

const graph = (edges: Record<string, string[]>): FlowCallGraph => new Map(Object.entries(edges).map(([id, calls]) => [id, { name: id, calls }]));

describe('flow call graph', () => {
  it('finds the cycle a new call would close, as a path back to the caller', () => {
    const g = graph({ A: [], B: ['C'], C: ['A'] });
    expect(findCycle(g, 'A', 'B')).toEqual(['A', 'B', 'C', 'A']);
    expect(findCycle(g, 'A', 'A')).toEqual(['A', 'A']);
  });

  it('finds no cycle in a diamond, and ignores the caller’s own old edges', () => {
    expect(findCycle(graph({ A: ['B', 'C'], B: ['D'], C: ['D'], D: [] }), 'A', 'B')).toBeUndefined();
    // A used to call X, which calls nothing back: replacing A's edges is the caller's business.
    expect(findCycle(graph({ A: ['X'], X: [], B: [] }), 'A', 'B')).toBeUndefined();
  });

  it('measures the longest chain below and above a flow', () => {
    const g = graph({ top: ['mid'], other: ['x'], x: ['mid'], mid: ['leaf', 'short'], leaf: ['deepest'], deepest: [], short: [] });
    expect(longestChainFrom(g, 'mid')).toEqual(['mid', 'leaf', 'deepest']);
    expect(longestChainTo(g, 'mid')).toEqual(['other', 'x', 'mid']);
    expect(longestChainTo(g, 'top')).toEqual(['top']);
  });

  it('terminates on a cycle that already exists elsewhere', () => {
    const g = graph({ A: ['B'], B: ['C'], C: ['B'] });
    expect(longestChainFrom(g, 'A')).toEqual(['A', 'B', 'C']);
    expect(longestChainTo(g, 'C')).toEqual(['A', 'B', 'C']);
  });
});
