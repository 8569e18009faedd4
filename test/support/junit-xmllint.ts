import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const XSD = path.join(__dirname, '../suites/fixtures/junit.xsd');

/** Validates with libxml2's xmllint (Debian libxml2-utils; test/infra/up.sh installs it). Returns its stderr on failure. */
export function xmllint(xml: string): { valid: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ats-junit-'));
  const file = path.join(dir, 'report.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { valid: true, output: '' };
  } catch (error) {
    return { valid: false, output: String((error as { stderr?: Buffer }).stderr ?? error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
