import http from 'node:http';
import Redis from 'ioredis';
import { Server } from 'socket.io';

/**
 * The live-latency baseline's relay, in its own process like the API: Redis SUBSCRIBE → JSON.parse →
 * Socket.IO room emit, and nothing else (no auth, no snapshot, no sequence filtering). Clients emit
 * `join` with a room name. Prints RELAY_URL=… once listening. REDIS_URL and CHANNEL from the environment.
 */
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const server = http.createServer();
const io = new Server(server, { transports: ['websocket'] });
io.on('connection', (socket) => {
  socket.on('join', async (room: string, ack: (answer: { ok: boolean }) => void) => {
    await socket.join(room);
    ack({ ok: true });
  });
});
redis.on('message', (_channel: string, message: string) => {
  const update = JSON.parse(message) as { executionId: string };
  io.to(update.executionId).emit('update', update);
});
void redis.subscribe(process.env.CHANNEL ?? 'bare-relay').then(() =>
  server.listen(0, '127.0.0.1', () => process.stdout.write(`RELAY_URL=http://127.0.0.1:${(server.address() as { port: number }).port}\n`)),
);
process.on('SIGTERM', () => {
  void io.close();
  redis.disconnect();
  process.exit(0);
});
