import net from 'node:net';

export interface TricklingProxy {
  url: string;
  /** Bytes of the upstream's answers passed back to clients so far: > 0 means it was trickling, not silent. */
  relayed(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real test server (the Loki contract fake, the fixture Prometheus, an HTTP
 * target) that passes requests through at once, and the first answer's status line and headers too,
 * then hands its body back one byte every `byteEveryMs`. Each byte comes long before an idle timeout
 * would trip, and the response has "arrived", so only a deadline on the whole exchange — body
 * included — ends such a call: what a slow-loris server does to a client.
 */
export async function startTricklingProxy(upstreamUrl: string, byteEveryMs = 50): Promise<TricklingProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<net.Socket>();
  let relayed = 0;
  const server = net.createServer((client) => {
    const backend = net.connect({ host: upstream.hostname, port: Number(upstream.port) });
    const pending: number[] = [];
    const timer = setInterval(() => {
      const next = pending.shift();
      if (next === undefined || client.destroyed) return;
      relayed += 1;
      client.write(Buffer.of(next));
    }, byteEveryMs);
    const close = () => {
      clearInterval(timer);
      client.destroy();
      backend.destroy();
    };
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.on('error', close);
      socket.on('close', () => {
        sockets.delete(socket);
        // The upstream closing after its answer must not cut what is still trickling.
        if (socket === client) close();
      });
    }
    client.pipe(backend);
    let head: Buffer | undefined = Buffer.alloc(0);
    backend.on('data', (chunk: Buffer) => {
      if (!head) return void pending.push(...chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.write(head.subarray(0, end + 4));
      pending.push(...head.subarray(end + 4));
      head = undefined;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${upstream.pathname.replace(/\/$/, '')}`,
    relayed: () => relayed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
