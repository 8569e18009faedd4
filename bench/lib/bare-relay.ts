import Redis from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { startHelperProcess } from './processes';

/**
 * The bare baseline of the live-latency benchmark, measured in the same run: the same number of
 * clients and updates, paced like the engine's (every `delayMs`, two updates per watched execution),
 * published by this process straight to Redis and forwarded by a minimal relay process
 * (bare-relay-server.ts) — Redis → Node → Socket.IO, without the service around it.
 */
export async function measureBareRelay(options: { redisUrl: string; clients: number; rooms: number; rounds: number; delayMs: number }): Promise<number[]> {
  const channel = `bench-bare-relay-${process.pid}`;
  const relay = await startHelperProcess('bare-relay-server.js', 'RELAY_URL', { REDIS_URL: options.redisUrl, CHANNEL: channel });
  const url = relay.url;
  const publisher = new Redis(options.redisUrl);
  const sockets: Socket[] = [];
  const samples: number[] = [];
  try {
    for (let i = 0; i < options.clients; i++) {
      const socket = io(url, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.on('update', (u: { at: string }) => samples.push(Date.now() - Date.parse(u.at)));
      await socket.emitWithAck('join', `room-${i % options.rooms}`);
      sockets.push(socket);
    }
    const expected = options.rounds * 2 * options.rooms * (options.clients / options.rooms);
    for (let round = 0; round < options.rounds; round++) {
      for (let room = 0; room < options.rooms; room++) {
        for (const updateType of ['STEP_FINISHED', 'STEP_STARTED']) {
          // Shaped like an execution update; `at` stamped just before PUBLISH, as the worker does.
          void publisher.publish(channel, JSON.stringify({ executionId: `room-${room}`, seq: round * 2, updateType, executionStatus: 'IN_PROGRESS', at: new Date().toISOString() }));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    }
    const deadline = Date.now() + 10_000;
    while (samples.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return samples;
  } finally {
    sockets.forEach((s) => s.disconnect());
    publisher.disconnect();
    await relay.stop();
  }
}
