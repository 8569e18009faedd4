import http from 'node:http';

/**
 * The baseline: the same chain of requests and checks a chained flow makes, in a plain loop.
 * `http.request` on a keep-alive Agent is the transport the HTTP step itself uses (axios' Node
 * adapter over node:http with a keep-alive Agent); `fetch` is Node's built-in undici client.
 */
export async function bareChainHttp(targetUrl: string, steps: number, agent: http.Agent): Promise<void> {
  let next = 0;
  for (let i = 0; i < steps; i++) {
    const { status, body } = await getJson(`${targetUrl}/items/${next}`, agent);
    check(status, body, i);
    next = body.next;
  }
}

export async function bareChainFetch(targetUrl: string, steps: number): Promise<void> {
  let next = 0;
  for (let i = 0; i < steps; i++) {
    const res = await fetch(`${targetUrl}/items/${next}`, { headers: { connection: 'keep-alive' } });
    const body = (await res.json()) as { id: number; next: number };
    check(res.status, body, i);
    next = body.next;
  }
}

function check(status: number, body: { id: number }, expectedId: number): void {
  if (status !== 200) throw new Error(`step ${expectedId}: status ${status}`);
  if (body.id !== expectedId) throw new Error(`step ${expectedId}: body.id ${body.id}`);
}

function getJson(url: string, agent: http.Agent): Promise<{ status: number; body: { id: number; next: number } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
