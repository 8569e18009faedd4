import { writeFileSync } from 'node:fs';
import type { Session } from '../session';

/** Downloads the JUnit XML and/or JSON report of an execution or suite run (`base` is its API path). */
export async function saveReports(session: Session, base: string, files: { junit?: string; json?: string }): Promise<void> {
  const client = session.client();
  if (files.junit) {
    writeFileSync(files.junit, await client.get<string>(`${base}/report.xml`, { text: true }));
    session.out.line(session.out.colors.dim(`JUnit report: ${files.junit}`));
  }
  if (files.json) {
    writeFileSync(files.json, await client.get<string>(`${base}/report.json`, { text: true }));
    session.out.line(session.out.colors.dim(`JSON report: ${files.json}`));
  }
}
