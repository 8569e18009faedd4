#!/usr/bin/env node
// Prints the JavaScript a browser downloads before the app shell can render: the entry chunk plus
// every chunk it imports statically (lazy screens excluded), gzipped. Reads dist/.vite/manifest.json,
// so run `npm run build` first. Reports only; the budget (300 KB) is checked by a reader, not here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
} catch {
  console.error(`No build manifest in ${dist}/.vite; run "npm run build" in web/ first.`);
  process.exit(1);
}

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) visit(imported);
};
for (const [key] of entries) visit(key);

let raw = 0;
let gzipped = 0;
const rows = [];
for (const key of seen) {
  const bytes = readFileSync(join(dist, manifest[key].file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += gz;
  rows.push([manifest[key].file, bytes.length, gz]);
}
const lazy = Object.values(manifest).filter((chunk) => chunk.file.endsWith('.js')).length - seen.size;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const [file, size, gz] of rows) console.log(`  ${file.padEnd(44)} ${kb(size).padStart(10)} ${kb(gz).padStart(10)} gzip`);
console.log(`first-load JS: ${kb(gzipped)} gzipped (${kb(raw)} raw) in ${seen.size} chunk(s); ${lazy} lazy chunk(s) not counted`);
