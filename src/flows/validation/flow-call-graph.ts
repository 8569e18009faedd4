/** A team's flows as a call graph over their latest versions: flow id → name and the flow ids its `flow` steps call. */
export type FlowCallGraph = ReadonlyMap<string, { name: string; calls: readonly string[] }>;

/**
 * The call path from `start` back to itself through `callee`, e.g. [A, B, A]; undefined when calling
 * `callee` from `start` closes no cycle. `start`'s own edges in `graph` are ignored (they are being replaced).
 */
export function findCycle(graph: FlowCallGraph, start: string, callee: string): string[] | undefined {
  const seen = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (node === start) return [...path, node];
    if (seen.has(node)) return undefined;
    seen.add(node);
    for (const next of graph.get(node)?.calls ?? []) {
      const found = visit(next, [...path, node]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(callee, [start]);
}

/**
 * The longest call chain starting at `from` (`[from, …]`), over an acyclic graph; a node already on the
 * path is not followed again, so a cycle elsewhere cannot loop forever.
 */
export function longestChainFrom(graph: FlowCallGraph, from: string, onPath: ReadonlySet<string> = new Set()): string[] {
  let best: string[] = [];
  const path = new Set(onPath).add(from);
  for (const next of graph.get(from)?.calls ?? []) {
    if (path.has(next)) continue;
    const chain = longestChainFrom(graph, next, path);
    if (chain.length > best.length) best = chain;
  }
  return [from, ...best];
}

/** The longest chain of callers ending at `to` (`[…, to]`): the flows above it in the deepest nesting. */
export function longestChainTo(graph: FlowCallGraph, to: string): string[] {
  const callers = new Map<string, string[]>();
  for (const [id, node] of graph) for (const callee of node.calls) callers.set(callee, [...(callers.get(callee) ?? []), id]);
  const up = (node: string, path: ReadonlySet<string>): string[] => {
    let best: string[] = [];
    const next = new Set(path).add(node);
    for (const caller of callers.get(node) ?? []) {
      if (next.has(caller)) continue;
      const chain = up(caller, next);
      if (chain.length > best.length) best = chain;
    }
    return [...best, node];
  };
  return up(to, new Set());
}
