// JUnit XML (Jenkins / Ant format) from plain test-case records. No XML library: the format is small
// and the only hard part is escaping, which is done here once for attributes and once for text.

export type JUnitVerdict =
  | { kind: 'passed' }
  | { kind: 'failure' | 'error'; type: string; message: string; details: string }
  | { kind: 'skipped'; message: string };

export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time: number;
  verdict: JUnitVerdict;
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  id: string;
  package: string;
  hostname: string;
  timestamp: Date;
  /** Seconds. */
  time: number;
  properties: Array<[string, string]>;
  cases: JUnitCase[];
}

// XML 1.0 allows tab, LF, CR and these ranges; anything else (NUL, other C0 controls, lone surrogates,
// U+FFFE/U+FFFF) cannot be written at all, not even as a character reference, so it becomes U+FFFD.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text content. `>` is escaped too so `]]>` can never appear. */
export function escapeXmlText(value: string): string {
  return value.replace(INVALID_XML_CHARS, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (double-quoted); tabs and line breaks become references so parsers keep them. */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Seconds with millisecond precision, never in exponent notation (Jenkins and the XSD want plain decimals). */
export function formatSeconds(seconds: number): string {
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 0).toFixed(3);
}

/** Ant's timestamp form: ISO 8601 in UTC without fraction or zone (2026-11-27T16:01:02). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttribute(String(v))}"`)
    .join('');
}

function count(cases: JUnitCase[], kind: JUnitVerdict['kind']): number {
  return cases.filter((c) => c.verdict.kind === kind).length;
}

function testcase(c: JUnitCase): string {
  const open = `    <testcase${attrs({ name: c.name, classname: c.classname, time: formatSeconds(c.time) })}`;
  const parts: string[] = [];
  const v = c.verdict;
  if (v.kind === 'failure' || v.kind === 'error') {
    parts.push(`      <${v.kind}${attrs({ message: v.message, type: v.type })}>${escapeXmlText(v.details)}</${v.kind}>`);
  } else if (v.kind === 'skipped') {
    parts.push(`      <skipped${attrs({ message: v.message })}/>`);
  }
  if (c.systemOut) parts.push(`      <system-out>${escapeXmlText(c.systemOut)}</system-out>`);
  return parts.length ? `${open}>\n${parts.join('\n')}\n    </testcase>` : `${open}/>`;
}

/** One `<testsuites>` document with one `<testsuite>` per element of `suites`. */
export function buildJUnitXml(suites: JUnitSuite[], name: string): string {
  const all = suites.flatMap((s) => s.cases);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name,
      tests: all.length,
      failures: count(all, 'failure'),
      errors: count(all, 'error'),
      time: formatSeconds(suites.reduce((sum, s) => sum + s.time, 0)),
    })}>`,
  ];
  for (const s of suites) {
    lines.push(
      `  <testsuite${attrs({
        name: s.name,
        tests: s.cases.length,
        failures: count(s.cases, 'failure'),
        errors: count(s.cases, 'error'),
        skipped: count(s.cases, 'skipped'),
        time: formatSeconds(s.time),
        timestamp: formatTimestamp(s.timestamp),
        hostname: s.hostname,
        id: s.id,
        package: s.package,
      })}>`,
    );
    lines.push('    <properties>');
    for (const [key, value] of s.properties) lines.push(`      <property${attrs({ name: key, value })}/>`);
    lines.push('    </properties>');
    for (const c of s.cases) lines.push(testcase(c));
    lines.push('    <system-out/>', '    <system-err/>');
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
