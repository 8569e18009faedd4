/**
 * The chained-flow workloads the benchmarks run and save: N HTTP steps against the target server
 * (`GET /items/<n>` → `{ id: n, next: n + 1 }`).
 *
 * - `templated`: each URL reads the previous response (`/items/${s<i-1>.response.body.next}`) and each
 *   step asserts its status and body id — what a real chained test does;
 * - `plain`: fixed URLs (`/items/<i>`), no assertions — the engine's floor per step.
 */
export type ChainWorkload = 'templated' | 'plain';

export const CHAIN_WORKLOADS: readonly ChainWorkload[] = ['templated', 'plain'];

export function chainedFlow(name: string, targetUrl: string, n: number, workload: ChainWorkload = 'templated') {
  return {
    name,
    steps: Array.from({ length: n }, (_, i) =>
      workload === 'plain'
        ? { name: `s${i}`, type: 'http', config: { url: `${targetUrl}/items/${i}` }, retry: { maxRetries: 0 } }
        : {
            name: `s${i}`,
            type: 'http',
            config: { url: i === 0 ? `${targetUrl}/items/0` : `${targetUrl}/items/\${s${i - 1}.response.body.next}` },
            assertions: [
              { path: 'status', operator: 'equals', expected: 200 },
              { path: 'body.id', operator: 'equals', expected: i },
            ],
            retry: { maxRetries: 0 },
          },
    ),
  };
}
