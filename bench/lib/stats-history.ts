import type { Client } from 'pg';

export interface StatsHistoryOptions {
  teamId: string;
  flows: Array<{ id: string; name: string }>;
  executions: number;
  /** Runs are spread over this many days before now. */
  days: number;
}

/**
 * A realistic run history for one team, generated in Postgres (generate_series; ~100k runs in seconds):
 * runs spread evenly over the window, each flow with its own failure rate (2 %–4 % cancelled, 5 % +
 * 1 % per flow index failed), three versions in time order, skewed durations (0.3–20 s, most short);
 * three steps per run — `create` (http), `row` (sql), `event` (kafka-subscribe, retried 1–4 attempts,
 * most passing at once) — with a FAILED run's failure on one of them and the rest SKIPPED, and small
 * stored request/response bodies so the rows are as wide as real ones. Seeded: the same every run.
 */
export async function generateStatsHistory(db: Client, o: StatsHistoryOptions): Promise<{ executions: number; steps: number }> {
  await db.query('SELECT setseed(0.42)');
  const executions = await db.query(
    `WITH g AS (
       SELECT i % cardinality($3::uuid[]) AS k, random() AS r_time, random() AS r_status, random() AS r_duration
         FROM generate_series(1, $2::int) AS i
     )
     INSERT INTO executions (team_id, flow_id, flow_version, flow_name, status, trigger, variables, created_at, started_at, finished_at, correlation_id, trace_id)
     SELECT $1, ($3::uuid[])[k + 1], 3 - least(floor(r_time * 3)::int, 2), ($4::text[])[k + 1],
            CASE WHEN r_status < 0.03 THEN 'CANCELLED' WHEN r_status < 0.08 + k * 0.01 THEN 'FAILED' ELSE 'COMPLETED' END,
            'api', jsonb_build_object('orderId', 'o-' || k, 'region', 'eu-west-1'),
            now() - r_time * make_interval(days => $5::int) AS created,
            now() - r_time * make_interval(days => $5::int) + interval '40 ms',
            now() - r_time * make_interval(days => $5::int) + interval '40 ms' + (300 + 20000 * r_duration ^ 3) * interval '1 ms',
            md5(random()::text), md5(random()::text)
       FROM g`,
    [o.teamId, o.executions, o.flows.map((f) => f.id), o.flows.map((f) => f.name), o.days],
  );
  const steps = await db.query(
    `INSERT INTO execution_steps (execution_id, step_index, step_id, name, type, status, attempts, started_at, finished_at, duration_ms, request, response)
     SELECT e.id, s.i, e.flow_id::text || '-' || s.i, (ARRAY['create', 'row', 'event'])[s.i + 1], (ARRAY['http', 'sql', 'kafka-subscribe'])[s.i + 1],
            st.status, st.attempts, e.started_at, e.started_at + st.ms * interval '1 ms', st.ms,
            jsonb_build_object('url', 'https://orders.example/api/orders', 'method', 'POST', 'body', jsonb_build_object('sku', 'A-1', 'qty', 2)),
            jsonb_build_object('status', 201, 'headers', jsonb_build_object('content-type', 'application/json'), 'body', jsonb_build_object('id', e.id, 'note', repeat('x', 120)))
       FROM (SELECT id, flow_id, status, started_at, floor(random() * 3)::int AS fail_at, random() AS r FROM executions WHERE team_id = $1) e
      CROSS JOIN generate_series(0, 2) AS s(i)
      CROSS JOIN LATERAL (
        SELECT CASE
                 WHEN e.status = 'COMPLETED' OR (e.status = 'FAILED' AND s.i < e.fail_at) OR (e.status = 'CANCELLED' AND s.i = 0) THEN 'SUCCESS'
                 WHEN e.status = 'FAILED' AND s.i = e.fail_at THEN 'ERROR'
                 WHEN e.status = 'FAILED' THEN 'SKIPPED'
                 ELSE 'CANCELLED'
               END AS status) v
      CROSS JOIN LATERAL (
        SELECT v.status,
               CASE WHEN s.i = 2 AND v.status = 'ERROR' THEN 4 WHEN s.i = 2 AND v.status = 'SUCCESS' THEN 1 + floor(e.r ^ 3 * 4)::int
                    WHEN v.status IN ('SUCCESS', 'ERROR') THEN 1 ELSE 0 END AS attempts,
               CASE WHEN v.status NOT IN ('SUCCESS', 'ERROR') THEN NULL
                    WHEN s.i = 2 THEN 20 + floor(e.r ^ 3 * 4)::int * 1500 + floor(e.r * 300)::int
                    ELSE 20 + floor(e.r * 200)::int END AS ms) st`,
    [o.teamId],
  );
  return { executions: executions.rowCount ?? 0, steps: steps.rowCount ?? 0 };
}
