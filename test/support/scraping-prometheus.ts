import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { closedPort } from './closed-port';

export interface ScrapingPrometheus {
  url: string;
  close(): Promise<void>;
}

/**
 * A real Prometheus (Debian's /usr/bin/prometheus, as test/infra/prometheus) that scrapes one loopback
 * target every second, as docker compose's Prometheus scrapes the demo service (docker/prometheus/).
 */
export async function startScrapingPrometheus(target: string, jobName: string): Promise<ScrapingPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ats-prom-scrape-'));
  const port = await closedPort();
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ${jobName}\n    static_configs:\n      - targets: ["${target}"]\n`,
  );
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, close };
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`Prometheus did not become ready at ${url}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
