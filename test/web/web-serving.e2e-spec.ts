import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../support/test-app';

const INDEX = '<!doctype html><html><head><title>ATS test build</title></head><body><div id="root"></div></body></html>';
const HTML = { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
/** A bundle big enough to be precompressed (web/scripts/precompress.mjs skips files under 1 KB). */
const BIG_JS = Array.from({ length: 200 }, (_, i) => `export const value${i} = { id: ${i}, label: "item number ${i}" };`).join('\n');

/** A GET whose body is returned as sent (supertest and fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

/**
 * The API serves a web build at `/` without ever hiding its own routes. A small fixture build keeps
 * this test independent of `npm run build`; the browser test covers the real bundle.
 */
describe('web UI serving', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'ats-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-3f2a1b.js'), 'console.log("app")');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dist, 'assets', 'big-9a8b7c.js'), BIG_JS);
    // The build's own step writes the .br / .gz copies (what `npm --prefix web run build` runs last).
    execFileSync(process.execPath, [join(__dirname, '../../web/scripts/precompress.mjs'), dist]);
    t = await startTestApp('web-serving', { env: { WEB_DIST_DIR: dist } });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and revalidates it on every load', async () => {
    const res = await t.http.get('/').set(HTML).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('ATS test build');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers a deep link with index.html so the SPA router can take over', async () => {
    const res = await t.http.get('/flows/abc').set(HTML).expect(200);
    expect(res.text).toContain('ATS test build');
    await t.http.get('/teams/7c9e/executions?status=FAILED').set(HTML).expect(200);
  });

  it('serves hashed assets with a long immutable cache and other files revalidated', async () => {
    const asset = await t.http.get('/assets/index-3f2a1b.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const icon = await t.http.get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('precompresses the bundles at build time: .br and .gz copies of files over 1 KB only', () => {
    expect(brotliDecompressSync(readFileSync(join(dist, 'assets', 'big-9a8b7c.js.br'))).toString()).toBe(BIG_JS);
    expect(gunzipSync(readFileSync(join(dist, 'assets', 'big-9a8b7c.js.gz'))).toString()).toBe(BIG_JS);
    expect(existsSync(join(dist, 'assets', 'index-3f2a1b.js.br'))).toBe(false); // 18 bytes: not worth it
  });

  it('sends the best precompressed copy the browser accepts, typed as the original, and says it varies', async () => {
    const url = `${t.url}/assets/big-9a8b7c.js`;
    const br = await rawGet(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(br.headers['content-length'])).toBeLessThan(BIG_JS.length / 4);
    expect(brotliDecompressSync(br.body).toString()).toBe(BIG_JS);

    const gzip = await rawGet(url, { 'Accept-Encoding': 'gzip, br;q=0' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(BIG_JS);

    for (const headers of [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'deflate' }] as Array<Record<string, string>>) {
      const plain = await rawGet(url, headers);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(BIG_JS);
    }
    // The copies are not files of their own.
    expect((await rawGet(`${url}.br`, { Accept: 'application/javascript' })).status).toBe(404);
  });

  it('does not answer a missing asset or a non-HTML request with index.html', async () => {
    await t.http.get('/assets/missing-123.js').set('Accept', 'application/javascript').expect(404);
    await t.http.get('/flows/abc').set('Accept', 'application/json').expect(404);
  });

  it('leaves an unknown API path to the API, which answers its JSON 404 even to a browser', async () => {
    const res = await t.http.get('/api/v1/unknown').set(HTML).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('keeps Swagger, the OpenAPI document, health and Socket.IO where they were', async () => {
    const docs = await t.http.get('/docs').set(HTML).redirects(1).expect(200);
    expect(docs.text).toMatch(/swagger/i);
    const openApi = await t.http.get('/docs-json').expect(200);
    expect(openApi.body.openapi).toBeDefined();
    await t.http.get('/health/live').set(HTML).expect(200, { status: 'ok' });
    const polling = await t.http.get('/socket.io/?EIO=4&transport=polling').expect(200);
    expect(polling.text).toContain('"sid"');
    for (const path of ['/metrics', '/health/nope', '/docs/nope.html']) {
      const res = await t.http.get(path).set(HTML);
      expect(res.text).not.toContain('ATS test build');
    }
  });

  it('still starts, and serves the API, when the web build is missing', async () => {
    const bare = await startTestApp('web-missing', { env: { WEB_DIST_DIR: join(dist, 'does-not-exist') } });
    try {
      await bare.http.get('/health/live').expect(200);
      await bare.http.get('/').set(HTML).expect(404);
    } finally {
      await bare.close();
    }
  });
});
