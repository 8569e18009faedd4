// Writes a brotli (.br) and a gzip (.gz) copy next to every compressible file of a web build, once, at
// build time: the API then sends the smallest copy a browser accepts (src/web/spa-handler.ts) without
// compressing anything per request. Source maps are left alone (only devtools fetch them).
//
//   node scripts/precompress.mjs [dir]     dir defaults to web/dist
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/;
/** Smaller files gain less than their extra request headers cost. */
const MIN_BYTES = 1024;
/** A copy is kept only when it saves at least this share of the file. */
const MAX_RATIO = 0.9;

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

let raw = 0;
let br = 0;
let written = 0;
for (const path of [...files(root)]) {
  if (!COMPRESSIBLE.test(path) || statSync(path).size < MIN_BYTES) continue;
  const body = readFileSync(path);
  const copies = {
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gz: gzipSync(body, { level: 9 }),
  };
  for (const [ext, copy] of Object.entries(copies)) {
    if (copy.length > body.length * MAX_RATIO) continue;
    writeFileSync(`${path}.${ext}`, copy);
    written++;
  }
  raw += body.length;
  br += Math.min(copies.br.length, body.length);
}
console.log(`precompress: ${written} copies under ${relative(process.cwd(), root) || '.'}; compressible files ${(raw / 1024).toFixed(1)} KB → ${(br / 1024).toFixed(1)} KB with brotli`);
