import http from 'node:http';

/**
 * The baseline: the same chain of requests and checks a chained flow makes, in a plain loop.
 * `http.request` on a keep-alive Agent is the transport the HTTP step itself uses (the outbound
 * client, src/outbound-http/http-client.ts); `fetch` is Node's built-in undici client.
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

/**
 * The throughput baseline's unit of work: what one execution of the three-step benchmark flow does —
 * GET /items/1 (status 200), GET /items/<next> (body id 2), and an assertion-only step.
 */
export async function bareThreeSteps(targetUrl: string, agent: http.Agent): Promise<void> {
  const first = await getJson(`${targetUrl}/items/1`, agent);
  if (first.status !== 200) throw new Error(`step a: status ${first.status}`);
  const second = await getJson(`${targetUrl}/items/${first.body.next}`, agent);
  if (second.body.id !== 2) throw new Error(`step b: body.id ${second.body.id}`);
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
