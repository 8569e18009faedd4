#!/usr/bin/env node
// Root `postinstall`: `npm ci` / `npm install` at the root also installs the web UI's own dependencies
// (web/package-lock.json), so a fresh clone builds both with the usual one command. The web tree stays
// separate so the server's production dependencies stay lean. Skipped where web/ is absent (a Docker
// layer that copies only the root manifests) and under `--omit=dev`-style production installs, which
// do not build the UI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(web, 'package-lock.json'))) process.exit(0);
if (process.env.npm_config_omit?.includes('dev')) process.exit(0);

const started = Date.now();
// `npm ci` when invoked by `npm ci` (reproducible), `npm install` otherwise (keeps local edits cheap).
const command = process.env.npm_command === 'ci' ? 'ci' : 'install';
const result = spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: web, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`[web] npm ${command} in web/ took ${((Date.now() - started) / 1000).toFixed(1)} s`);
