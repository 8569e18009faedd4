import { buildJUnitXml, escapeXmlAttribute, escapeXmlText, formatSeconds, formatTimestamp, type JUnitSuite } from './junit-xml';

describe('JUnit XML', () => {
  const suite = (over: Partial<JUnitSuite> = {}): JUnitSuite => ({
    name: 'Checkout',
    id: 'run-1',
    package: 'ats.suites',
    hostname: 'async-testing-service',
    timestamp: new Date('2026-11-27T16:01:02.345Z'),
    time: 1.5,
    properties: [['suiteId', 's-1']],
    cases: [
      { name: 'create order', classname: 'Checkout', time: 0.25, verdict: { kind: 'passed' } },
      { name: 'pay', classname: 'Checkout', time: 1, verdict: { kind: 'failure', type: 'AssertionFailed', message: 'status: expected 201 but was 500', details: 'expected: 201\nactual: 500' } },
      { name: 'refund', classname: 'Checkout', time: 0, verdict: { kind: 'error', type: 'StepError', message: 'connect ECONNREFUSED', details: 'boom' } },
      { name: 'ship', classname: 'Checkout', time: 0, verdict: { kind: 'skipped', message: 'fail-fast' } },
    ],
    ...over,
  });

  it('escapes markup, quotes and ampersands in text and attributes', () => {
    expect(escapeXmlText(`a < b && c > d ]]> "q" 'a'`)).toBe(`a &lt; b &amp;&amp; c &gt; d ]]&gt; "q" 'a'`);
    expect(escapeXmlAttribute(`<x a="1" b='2'> & done`)).toBe('&lt;x a=&quot;1&quot; b=&apos;2&apos;&gt; &amp; done');
  });

  it('keeps line breaks and tabs in attributes as character references', () => {
    expect(escapeXmlAttribute('line1\nline2\r\tx')).toBe('line1&#10;line2&#13;&#9;x');
    expect(escapeXmlText('line1\nline2\tx')).toBe('line1\nline2\tx');
  });

  it('replaces characters XML 1.0 cannot carry (NUL, C0 controls, lone surrogates, U+FFFF) and keeps astral ones', () => {
    expect(escapeXmlText('a\u0000b\u0007c\u001Fd\uFFFEe\uFFFF')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD');
    expect(escapeXmlText('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeXmlText('emoji 😀 ok')).toBe('emoji 😀 ok');
  });

  it('formats seconds and Ant timestamps', () => {
    expect(formatSeconds(1.23456)).toBe('1.235');
    expect(formatSeconds(1e-9)).toBe('0.000');
    expect(formatSeconds(-1)).toBe('0.000');
    expect(formatSeconds(Number.NaN)).toBe('0.000');
    expect(formatTimestamp(new Date('2026-11-27T16:01:02.345Z'))).toBe('2026-11-27T16:01:02');
  });

  it('counts failures, errors and skipped tests per suite and overall', () => {
    const xml = buildJUnitXml([suite()], 'Checkout');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="Checkout" tests="4" failures="1" errors="1" time="1.500">/);
    expect(xml).toContain('<testsuite name="Checkout" tests="4" failures="1" errors="1" skipped="1" time="1.500" timestamp="2026-11-27T16:01:02" hostname="async-testing-service" id="run-1" package="ats.suites">');
    expect(xml).toContain('<testcase name="create order" classname="Checkout" time="0.250"/>');
    expect(xml).toContain('<failure message="status: expected 201 but was 500" type="AssertionFailed">expected: 201\nactual: 500</failure>');
    expect(xml).toContain('<error message="connect ECONNREFUSED" type="StepError">boom</error>');
    expect(xml).toContain('<skipped message="fail-fast"/>');
    expect(xml).toContain('<property name="suiteId" value="s-1"/>');
  });

  it('escapes hostile names and messages everywhere they appear', () => {
    const evil = `</testcase><injected a="1">&amp;]]>\u0000`;
    const xml = buildJUnitXml(
      [suite({ name: evil, properties: [[evil, evil]], cases: [{ name: evil, classname: evil, time: 0, verdict: { kind: 'failure', type: evil, message: evil, details: evil }, systemOut: evil }] })],
      evil,
    );
    expect(xml).not.toContain('<injected');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('\u0000');
    expect(xml.match(/<testcase /g)).toHaveLength(1);
    expect(xml).toContain('&lt;/testcase&gt;&lt;injected a=&quot;1&quot;&gt;&amp;amp;]]&gt;\uFFFD');
  });
});
