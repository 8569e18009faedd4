import http from 'node:http';

/**
 * The system under test of the benchmarks, in its own process so that neither the engine nor the bare
 * loop shares an event loop with it. `GET /items/<n>` answers `{ "id": n, "next": n + 1 }`: each
 * response names the next request, which is what a chained flow follows.
 */
const server = http.createServer((req, res) => {
  const m = /^\/items\/(\d+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404).end();
    return;
  }
  const id = Number(m[1]);
  const body = JSON.stringify({ id, next: id + 1 });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`TARGET_URL=http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
