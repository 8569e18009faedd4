import { checkReferences, type ReferenceScope } from './reference-rules';
import { stepWaits } from './step-dependencies';

const LATE = new Map([['kafka-subscribe', ['searchPattern']]]);

const step = (name: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ name, config, ...extra });

function problemsOf(flow: ReferenceScope) {
  return checkReferences(flow).map((p) => ({ pointer: p.pointer, message: p.message }));
}

describe('checkReferences', () => {
  it('accepts declared variables, earlier steps, env and functions', () => {
    const flow = {
      variables: [{ name: 'baseUrl' }, { name: 'qty' }],
      steps: [
        step('login', { url: '${baseUrl}/login', id: '${uuid()}', at: '${now("+5m")}' }),
        step('order', {
          url: '${env.ORDERS_URL}/orders',
          headers: { Authorization: 'Bearer ${login.response.body.token}' },
          body: { qty: '${qty}', first: `\${jsonpath(login.response.body, '$.items[0]')}` },
        }),
      ],
    };
    expect(problemsOf(flow)).toEqual([]);
  });

  it('with an allow-list, refuses env names outside it and says which are allowed', () => {
    const flow = { variables: [], steps: [step('call', { url: '${env.ORDERS_URL}/orders', token: '${env.SECRET_TOKEN}' })] };
    expect(checkReferences(flow, new Set(['ORDERS_URL'])).map((p) => [p.pointer, p.message])).toEqual([
      ['/steps/0/config/token', '${env.SECRET_TOKEN}: env.SECRET_TOKEN is not in FLOW_ENV_ALLOWLIST (allowed here: ORDERS_URL)'],
    ]);
    expect(checkReferences(flow, new Set()).map((p) => p.message)).toEqual([
      '${env.ORDERS_URL}: env.ORDERS_URL is not in FLOW_ENV_ALLOWLIST (allowed here: none)',
      '${env.SECRET_TOKEN}: env.SECRET_TOKEN is not in FLOW_ENV_ALLOWLIST (allowed here: none)',
    ]);
  });

  it('rejects a reference to a later step and says the order', () => {
    const flow = { variables: [], steps: [step('create', { id: '${check.response.body.id}' }), step('check')] };
    const [p] = problemsOf(flow);
    expect(p.pointer).toBe('/steps/0/config/id');
    expect(p.message).toContain('${check.response.body.id}');
    expect(p.message).toMatch(/step "check" runs after "create" \(it is step 2, this is step 1\)/);
    expect(p.message).toMatch(/move "check" above "create"/);
  });

  it('rejects a step reading itself', () => {
    const flow = { variables: [], steps: [step('a', { x: '${a.response.body}' })] };
    expect(problemsOf(flow)).toEqual([{ pointer: '/steps/0/config/x', message: expect.stringMatching(/cannot read its own result/) }]);
  });

  it('lets any later step read a background step, including the very next one, without a word', () => {
    const flow = {
      variables: [],
      steps: [
        step('event', { topic: 'orders' }, { runInBackground: true }),
        step('next', { id: '${event.response.message.key}' }),
        step('later', { id: '${event.response.message.value}' }),
      ],
    };
    expect(problemsOf(flow)).toEqual([]);
  });

  it('rejects a background step reading a step that comes after it', () => {
    const flow = {
      variables: [],
      steps: [step('event', { match: '${create.response.body.id}' }, { runInBackground: true }), step('create')],
    };
    expect(problemsOf(flow)).toEqual([{ pointer: '/steps/0/config/match', message: expect.stringMatching(/runs after "event"/) }]);
  });

  it('rejects unknown roots, with variables and steps in function arguments too', () => {
    const flow = {
      variables: [{ name: 'n' }],
      steps: [step('a', { x: '${missing}', y: '${randomString(len)}', z: '${n}' })],
    };
    expect(problemsOf(flow)).toEqual([
      { pointer: '/steps/0/config/x', message: '${missing}: "missing" is neither a declared variable nor a step of this flow' },
      { pointer: '/steps/0/config/y', message: '${randomString(len)}: "len" is neither a declared variable nor a step of this flow' },
    ]);
  });

  it('rejects unknown functions and syntax errors, one problem per string', () => {
    const flow = {
      variables: [],
      steps: [step('a', { fn: '${guid()}', open: 'id=${uuid()', args: '${now(5)}', fine: '${uuid()}' })],
    };
    const problems = problemsOf(flow);
    expect(problems.map((p) => p.pointer)).toEqual(['/steps/0/config/fn', '/steps/0/config/open', '/steps/0/config/args']);
    expect(problems[0].message).toMatch(/unknown function "guid"/);
    expect(problems[1].message).toMatch(/unterminated/);
    expect(problems[2].message).toMatch(/offset must be a string/);
  });

  it('checks assertion expected values and only those', () => {
    const flow = {
      variables: [],
      steps: [
        step('a'),
        step('b', {}, {
          assertions: [
            { path: 'body.id', operator: 'equals', expected: '${a.response.body.id}' },
            { path: 'body.x', operator: 'equals', expected: ['${c.response}'] },
          ],
        }),
        step('c'),
      ],
    };
    expect(problemsOf(flow)).toEqual([{ pointer: '/steps/1/assertions/1/expected/0', message: expect.stringMatching(/runs after "b"/) }]);
  });

  it('requires step references to read response, request or status', () => {
    const flow = { variables: [], steps: [step('a'), step('b', { x: '${a.body.id}', y: '${a.status}', z: '${a.request.url}' })] };
    expect(problemsOf(flow)).toEqual([{ pointer: '/steps/1/config/x', message: expect.stringMatching(/a\.response, a\.request, a\.status/) }]);
  });

  it('escapes pointer tokens of config keys', () => {
    const flow = { variables: [], steps: [step('a', { headers: { 'a/b': '${nope}' } })] };
    expect(problemsOf(flow)[0].pointer).toBe('/steps/0/config/headers/a~1b');
  });

  it('ignores escaped templates', () => {
    expect(problemsOf({ variables: [], steps: [step('a', { x: '$${literal}' })] })).toEqual([]);
  });

  describe('deferred match (late fields of background steps)', () => {
    const subscribe = (extra: Record<string, unknown> = {}) =>
      step('event', { topic: 't', searchPattern: { matchType: 'exact', pattern: '${trigger.response.body.id}' } }, { type: 'kafka-subscribe', runInBackground: true, ...extra });

    it('lets a background step\'s late field read a later step', () => {
      const flow = { variables: [], steps: [subscribe(), step('trigger'), step('after', { x: '${event.response.matchedCount}' })] };
      expect(checkReferences(flow, undefined, LATE)).toEqual([]);
      expect(stepWaits(flow.steps, LATE)).toEqual([
        { background: [], lateAfter: [1] },
        { background: [], lateAfter: [] },
        { background: [0], lateAfter: [] },
      ]);
    });

    it('refuses it in a foreground step or another field, saying where it is allowed', () => {
      const flow = {
        variables: [],
        steps: [
          subscribe({ runInBackground: false }),
          step('bg', { topic: '${trigger.response.body.id}' }, { type: 'kafka-subscribe', runInBackground: true }),
          step('trigger'),
        ],
      };
      const problems = checkReferences(flow, undefined, LATE).map((p) => [p.pointer, p.message]);
      expect(problems).toEqual([
        ['/steps/0/config/searchPattern/pattern', expect.stringContaining("forward references are allowed only in a background step's kafka-subscribe config.searchPattern")],
        ['/steps/1/config/topic', expect.stringContaining('runs after "bg"')],
      ]);
    });

    it('refuses a step that would wait for the background step before what it matches on has run', () => {
      const flow = { variables: [], steps: [subscribe(), step('early', { x: '${event.response.matchedCount}' }), step('trigger')] };
      expect(checkReferences(flow, undefined, LATE).map((p) => [p.pointer, p.message])).toEqual([
        ['/steps/1/config/x', '${event.response.matchedCount}: "early" would wait for background step "event", which waits for "trigger" to match on; read it after "trigger"'],
      ]);
    });
  });

  describe('when conditions', () => {
    it('checks the references of a condition and where they point', () => {
      const flow = {
        variables: [{ name: 'region' }],
        steps: [step('a'), step('b', {}, { when: "${a.response.body.amount} > 100 && ${region} == 'eu' && ${c.status} == 'SUCCESS'" }), step('c')],
      };
      expect(problemsOf(flow)).toEqual([{ pointer: '/steps/1/when', message: expect.stringMatching(/^\$\{c.status\}: step "c" runs after "b"/) }]);
    });

    it('reports a condition that does not parse, with its position', () => {
      const flow = { variables: [], steps: [step('a', {}, { when: '${x} >' })] };
      expect(problemsOf(flow)).toEqual([{ pointer: '/steps/0/when', message: 'when: expected a value, a ${...} reference or "(" at character 7' }]);
    });

    it('makes a step whose condition reads a background step wait for it', () => {
      const steps = [step('bg', {}, { runInBackground: true }), step('b', {}, { when: "${bg.status} == 'SUCCESS'" })];
      expect(stepWaits(steps)).toEqual([{ background: [], lateAfter: [] }, { background: [0], lateAfter: [] }]);
    });
  });
});
