import http from 'node:http';

export type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void | Promise<void>;

/** A local HTTP server that tests program route by route: the system under test of HTTP steps. */
export async function startHttpTarget(routes: Record<string, Handler>): Promise<{ url: string; hits: Record<string, number>; close(): Promise<void> }> {
  const hits: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const key = `${req.method} ${path}`;
      const route = routes[key] ?? Object.entries(routes).find(([pattern]) => matches(pattern, key))?.[1];
      hits[key] = (hits[key] ?? 0) + 1;
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      void Promise.resolve(route(req, Buffer.concat(chunks).toString('utf8'), res)).catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function matches(pattern: string, key: string): boolean {
  if (!pattern.includes('*')) return false;
  const regex = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+') + '$');
  return regex.test(key);
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
