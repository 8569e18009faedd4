import zlib from 'node:zlib';
import {
  abortFailure,
  appendQuery,
  deadlineFailure,
  decodesEncoding,
  decoderFor,
  describeAbort,
  describeNetworkError,
  describeTooLarge,
  flattenHeaders,
  hasZlibHeader,
  isRedirect,
  mergeHeaders,
  moveUrlCredentials,
  networkFailure,
  nextHop,
  OUTBOUND_FAILURE,
  OutboundHttpError,
  queryPairs,
  requestFailure,
  sanitizeHeaderValue,
  serializeBody,
  tooLargeFailure,
  type Hop,
} from './http-client';

describe('http client: request headers', () => {
  it('sanitises values as axios did: control and non-Latin-1 characters removed, spaces and tabs trimmed', () => {
    expect(sanitizeHeaderValue(' token-123\n')).toBe('token-123');
    expect(sanitizeHeaderValue('\ta\u0000b\u007fc ')).toBe('abc');
    expect(sanitizeHeaderValue('café €5')).toBe('café 5');
    expect(sanitizeHeaderValue('a\tb')).toBe('a\tb');
    expect(sanitizeHeaderValue(42)).toBe('42');
  });

  it('merges layers with lower-cased names, later layers winning', () => {
    expect(mergeHeaders({ Accept: 'application/xml', 'X-Tenant': 'acme' }, undefined, { accept: 'text/csv', 'X-Id': 7 as unknown as string })).toEqual({
      accept: 'text/csv',
      'x-tenant': 'acme',
      'x-id': '7',
    });
  });
});

describe('http client: body', () => {
  it('sends JSON values as application/json, null and scalars included', () => {
    expect(serializeBody({ sku: 'A-1', qty: 2 }, 'POST')).toEqual({ body: '{"sku":"A-1","qty":2}', contentType: 'application/json' });
    expect(serializeBody([1, 2], 'PUT')).toEqual({ body: '[1,2]', contentType: 'application/json' });
    expect(serializeBody(null, 'POST')).toEqual({ body: 'null', contentType: 'application/json' });
    expect(serializeBody(5, 'GET')).toEqual({ body: '5', contentType: 'application/json' });
  });

  it('sends text verbatim, as a form for POST/PUT/PATCH (axios default) and without a content-type otherwise', () => {
    expect(serializeBody('a=1&b=2', 'POST')).toEqual({ body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
    expect(serializeBody('x', 'PATCH').contentType).toBe('application/x-www-form-urlencoded');
    expect(serializeBody(' {"a":1} ', 'DELETE')).toEqual({ body: ' {"a":1} ', contentType: undefined });
    expect(serializeBody(undefined, 'POST')).toEqual({});
  });
});

describe('http client: query', () => {
  it('serialises values as axios did: scalars as text, null skipped, arrays as key[], nested in brackets', () => {
    expect(queryPairs({ page: 1, active: true, q: 'x y', empty: '', none: null, gone: undefined })).toEqual([
      ['page', '1'],
      ['active', 'true'],
      ['q', 'x y'],
      ['empty', ''],
    ]);
    expect(queryPairs({ ids: [1, null, 'b'] })).toEqual([['ids[]', '1'], ['ids[]', 'b']]);
    expect(queryPairs({ f: { a: 1, b: [2, 3] } })).toEqual([['f[a]', '1'], ['f[b][0]', '2'], ['f[b][1]', '3']]);
    expect(queryPairs({ rows: [{ a: 1 }] })).toEqual([['rows[0][a]', '1']]);
    expect(queryPairs(undefined)).toEqual([]);
  });

  it('appends to the existing query, leaving it byte for byte, and encodes the new pairs', () => {
    const url = new URL('http://h/p?a=b%20c&flag&x=~');
    appendQuery(url, { q: 'x y&z=1', n: 2 });
    expect(url.search).toBe('?a=b%20c&flag&x=~&q=x+y%26z%3D1&n=2');
    const bare = new URL('http://h/p');
    appendQuery(bare, { 'k y': 'é' });
    expect(bare.href).toBe('http://h/p?k+y=%C3%A9');
    const emptyQuery = new URL('http://h/p?');
    appendQuery(emptyQuery, { a: 1 });
    expect(emptyQuery.href).toBe('http://h/p?a=1');
    const untouched = new URL('http://h/p?z=1');
    appendQuery(untouched, { none: null });
    expect(untouched.href).toBe('http://h/p?z=1');
  });

  it('turns URL credentials into a Basic authorization header that replaces any other', () => {
    const url = new URL('http://us%20er:p%40ss@h/p');
    const headers: Record<string, string> = { authorization: 'Bearer other' };
    moveUrlCredentials(url, headers);
    expect(headers.authorization).toBe(`Basic ${Buffer.from('us er:p@ss').toString('base64')}`);
    expect(url.href).toBe('http://h/p');
    const plain: Record<string, string> = {};
    moveUrlCredentials(new URL('http://h/p'), plain);
    expect(plain).toEqual({});
  });
});

describe('http client: redirects', () => {
  const hop = (method: string, body?: string, headers: Record<string, string> = {}): Hop => ({
    url: new URL('http://127.0.0.1:8080/api/orders?x=1'),
    method,
    headers: { accept: '*/*', 'content-type': 'application/json', 'content-length': '7', authorization: 'Bearer t', cookie: 'c=1', 'proxy-authorization': 'p', ...headers },
    body: body === undefined ? undefined : Buffer.from(body),
  });
  const follow = (from: Hop, status: number, location: string): Hop => {
    const next = nextHop(from, status, location);
    if (typeof next === 'string') throw new Error(next);
    return next;
  };

  it('follows any 3xx that has a Location (as follow-redirects), nothing else', () => {
    for (const status of [300, 301, 302, 303, 304, 307, 308]) expect(isRedirect(status, '/x')).toBe(true);
    expect(isRedirect(302, undefined)).toBe(false);
    expect(isRedirect(302, '')).toBe(false);
    expect(isRedirect(200, '/x')).toBe(false);
    expect(isRedirect(201, '/x')).toBe(false);
    expect(isRedirect(400, '/x')).toBe(false);
  });

  it('303 turns POST/PUT/DELETE into a GET without body or content headers; GET and HEAD stay', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const next = follow(hop(method, '{"a":1}'), 303, '/done');
      expect(next.method).toBe('GET');
      expect(next.body).toBeUndefined();
      expect(next.headers['content-type']).toBeUndefined();
      expect(next.headers['content-length']).toBeUndefined();
      expect(next.headers.accept).toBe('*/*');
    }
    expect(follow(hop('HEAD'), 303, '/done').method).toBe('HEAD');
    expect(follow(hop('GET'), 303, '/done').method).toBe('GET');
  });

  it('301/302 turn POST into GET without body; other methods keep method and body', () => {
    for (const status of [301, 302]) {
      const post = follow(hop('POST', '{"a":1}'), status, '/new');
      expect(post).toMatchObject({ method: 'GET', body: undefined });
      expect(post.headers['content-type']).toBeUndefined();
      const put = follow(hop('PUT', 'text'), status, '/new');
      expect(put.method).toBe('PUT');
      expect(put.body?.toString()).toBe('text');
      expect(put.headers['content-type']).toBe('application/json');
    }
  });

  it('307/308 keep method, body and content headers', () => {
    for (const status of [307, 308]) {
      const next = follow(hop('POST', '{"a":1}'), status, '/again');
      expect(next.method).toBe('POST');
      expect(next.body?.toString()).toBe('{"a":1}');
      expect(next.headers['content-type']).toBe('application/json');
    }
  });

  it('resolves relative locations against the current URL and drops the fragment', () => {
    expect(follow(hop('GET'), 302, 'items?page=2').url.href).toBe('http://127.0.0.1:8080/api/items?page=2');
    expect(follow(hop('GET'), 302, '/root#frag').url.href).toBe('http://127.0.0.1:8080/root');
    expect(follow(hop('GET'), 302, '//other.example/x').url.href).toBe('http://other.example/x');
    expect(follow(hop('GET'), 302, '?y=2').url.href).toBe('http://127.0.0.1:8080/api/orders?y=2');
  });

  it('keeps credentials on the same origin and drops them on another host, port or scheme', () => {
    const same = follow(hop('GET'), 302, '/elsewhere');
    expect(same.headers).toMatchObject({ authorization: 'Bearer t', cookie: 'c=1', 'proxy-authorization': 'p' });
    for (const location of ['http://localhost:8080/x', 'http://127.0.0.1:8081/x', 'https://127.0.0.1:8080/x']) {
      const other = follow(hop('GET'), 302, location);
      expect(other.headers.authorization).toBeUndefined();
      expect(other.headers.cookie).toBeUndefined();
      expect(other.headers['proxy-authorization']).toBeUndefined();
      expect(other.headers.accept).toBe('*/*');
    }
  });

  it('drops a user-set Host header and takes credentials from the Location', () => {
    const next = follow(hop('GET', undefined, { host: 'api.internal' }), 302, 'http://u:p@localhost:9/x');
    expect(next.headers.host).toBeUndefined();
    expect(next.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(next.url.href).toBe('http://localhost:9/x');
  });

  it('refuses invalid locations and protocols other than http(s)', () => {
    expect(nextHop(hop('GET'), 302, 'ftp://files/x')).toBe('redirect to unsupported protocol ftp:');
    expect(nextHop(hop('GET'), 302, 'http://[::zz/')).toBe('redirect to an invalid location: http://[::zz/');
  });
});

describe('http client: responses', () => {
  it('flattens headers: lower-case names, arrays joined with ", ", nullish dropped', () => {
    expect(flattenHeaders({ 'Content-Type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], age: 3, gone: undefined })).toEqual({
      'content-type': 'text/plain',
      'set-cookie': 'a=1, b=2',
      age: '3',
    });
  });

  it('decodes gzip, x-gzip, deflate (zlib-wrapped or raw) and br; passes other codings through', async () => {
    const text = '{"hello":"wörld"}'.repeat(50);
    const decode = (encoding: string, data: Buffer) =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const decoder = decoderFor(encoding, data);
        decoder.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
        decoder.end(data);
      });
    expect(await decode('gzip', zlib.gzipSync(text))).toBe(text);
    expect(await decode('X-Gzip', zlib.gzipSync(text))).toBe(text);
    expect(await decode('deflate', zlib.deflateSync(text))).toBe(text);
    expect(await decode('deflate', zlib.deflateRawSync(text))).toBe(text);
    expect(await decode('br', zlib.brotliCompressSync(text))).toBe(text);
    // Truncated streams yield what they hold (sync flush), as with axios.
    expect(text.startsWith(await decode('gzip', zlib.gzipSync(text).subarray(0, 40)))).toBe(true);
    await expect(decode('gzip', Buffer.from('not gzip at all'))).rejects.toMatchObject({ code: 'Z_DATA_ERROR' });

    expect(['gzip', 'x-gzip', 'deflate', 'br', ' GZIP '].every(decodesEncoding)).toBe(true);
    expect(['identity', 'compress', 'gzip, br', ''].some(decodesEncoding)).toBe(false);
    expect(decodesEncoding(undefined)).toBe(false);
  });

  it('recognises a zlib header', () => {
    expect(hasZlibHeader(zlib.deflateSync('x'))).toBe(true);
    expect(hasZlibHeader(zlib.deflateSync('x', { level: 1 }))).toBe(true);
    expect(hasZlibHeader(zlib.deflateRawSync('x'))).toBe(false);
    expect(hasZlibHeader(Buffer.from([0x78]))).toBe(true);
  });
});

describe('http client: error wording (kept from the axios-based step)', () => {
  const url = 'http://127.0.0.1:1/orders';
  const error = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

  it('names refused connections, unknown hosts and OS timeouts plainly', () => {
    expect(describeNetworkError(error('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), url)).toBe('connection refused by http://127.0.0.1:1/orders');
    expect(describeNetworkError(error('ENOTFOUND', 'getaddrinfo ENOTFOUND x'), 'http://x/')).toBe('host not found: http://x/');
    expect(describeNetworkError(error('ETIMEDOUT', 'connect ETIMEDOUT'), url)).toBe('request to http://127.0.0.1:1/orders timed out');
  });

  it('passes an egress refusal on as is (it names the address and the setting already)', () => {
    const refusal = 'egress refused: 10.0.0.5:80 is a private address (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit';
    expect(describeNetworkError(error('EEGRESS', refusal), url)).toBe(refusal);
  });

  it('otherwise gives code and message', () => {
    expect(describeNetworkError(error('ECONNRESET', 'socket hang up'), url)).toBe('request to http://127.0.0.1:1/orders failed: ECONNRESET socket hang up');
    expect(describeNetworkError(error(undefined, 'odd'), url)).toBe('request to http://127.0.0.1:1/orders failed: odd');
  });

  it('words aborts and the size limit', () => {
    expect(describeAbort(url, new Error('execution cancelled'))).toBe('request to http://127.0.0.1:1/orders aborted: execution cancelled');
    expect(describeAbort(url, 'shutdown')).toBe('request to http://127.0.0.1:1/orders aborted: shutdown');
    expect(describeTooLarge(url, 1048576)).toBe('response from http://127.0.0.1:1/orders exceeds the 1048576-byte limit');
  });
});

describe('http client: failures carry a stable code and a URL-free reason', () => {
  const url = 'http://127.0.0.1:1/orders';
  const error = (code: string | undefined, message: string) => Object.assign(new Error(message), { code });

  it('network errors keep the step wording as message, with Node’s code', () => {
    expect(networkFailure(error('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), url)).toMatchObject({
      message: 'connection refused by http://127.0.0.1:1/orders',
      code: 'ECONNREFUSED',
      reason: 'connection refused',
    });
    expect(networkFailure(error('ENOTFOUND', 'getaddrinfo ENOTFOUND x'), url)).toMatchObject({ code: 'ENOTFOUND', reason: 'host not found' });
    expect(networkFailure(error('ECONNABORTED', 'aborted'), url)).toMatchObject({ code: OUTBOUND_FAILURE.deadline, reason: 'timed out' });
    expect(networkFailure(error('ECONNRESET', 'socket hang up'), url)).toMatchObject({ code: 'ECONNRESET', reason: 'ECONNRESET socket hang up' });
    const refusal = 'egress refused: 10.0.0.5:80 is a private address (EGRESS_DEFAULT=deny-private); add it to EGRESS_ALLOW to permit';
    expect(networkFailure(error('EEGRESS', refusal), url)).toMatchObject({ message: refusal, code: 'EEGRESS', reason: refusal });
  });

  it('the deadline, an abort, the size cap and a bad request have codes of their own', () => {
    expect(deadlineFailure(url, 5000)).toMatchObject({ message: 'request to http://127.0.0.1:1/orders timed out', code: 'ETIMEDOUT', reason: 'timed out after 5000 ms' });
    expect(abortFailure(url, new Error('shutdown'))).toMatchObject({ message: 'request to http://127.0.0.1:1/orders aborted: shutdown', code: 'EABORTED', reason: 'aborted: shutdown' });
    expect(tooLargeFailure(url, 10)).toMatchObject({ code: 'ETOOLARGE', reason: 'response exceeds the 10-byte limit' });
    expect(requestFailure(url, 'Invalid URL')).toMatchObject({ message: 'request to http://127.0.0.1:1/orders failed: Invalid URL', code: 'EINVALID', reason: 'Invalid URL' });
    expect(deadlineFailure(url, 1)).toBeInstanceOf(OutboundHttpError);
  });
});
