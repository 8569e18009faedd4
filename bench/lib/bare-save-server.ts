import express from 'express';
import { Client } from 'pg';

/**
 * The save benchmark's baseline, in its own process like the API: `express.json` (same 2 MB limit) and
 * one INSERT of the parsed document as jsonb into a table of the benchmark's database — the least a
 * service that stores a flow has to do, with no auth, no validation and no versioning. Prints
 * BARE_SAVE_URL=… once listening. DATABASE_URL from the environment.
 */
async function main(): Promise<void> {
  const db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  await db.query(`CREATE TABLE IF NOT EXISTS bench_bare_flows (id bigserial PRIMARY KEY, name text NOT NULL, doc jsonb NOT NULL)`);
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  app.post('/flows', (req, res, next) => {
    const body = req.body as { name?: unknown };
    db.query({ name: 'bare-insert', text: `INSERT INTO bench_bare_flows (name, doc) VALUES ($1, $2) RETURNING id`, values: [String(body.name), JSON.stringify(body)] }).then(
      (r) => res.status(201).json({ id: r.rows[0].id }),
      next,
    );
  });
  const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`BARE_SAVE_URL=http://127.0.0.1:${(server.address() as { port: number }).port}\n`));
  process.on('SIGTERM', () => {
    server.close();
    void db.end().finally(() => process.exit(0));
  });
}

void main();
