import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { withSession } from '../command-kit';
import type { Session } from '../session';

export function flowsPullCommand(): Command {
  return new Command('pull')
    .description('Write every flow of the team as one YAML file (resources by name), ready for flows push')
    .argument('<dir>', 'directory to write into (created if missing; files of the same name are overwritten)')
    .addHelpText('after', '\nExample:\n  $ ats flows pull flows/ && git diff flows/')
    .action(withSession(pull));
}

async function pull(session: Session, dir: string): Promise<void> {
  const document = await session.client().get<{ flows: Array<Record<string, unknown>> }>(`${await session.teamPath()}/flows/export`);
  mkdirSync(dir, { recursive: true });
  const written: Array<{ name: string; file: string }> = [];
  const taken = new Set<string>();
  for (const flow of document.flows) {
    const file = join(dir, uniqueFileName(String(flow.name), taken));
    writeFileSync(file, stringify(withoutStepIds(flow), { lineWidth: 0 }));
    written.push({ name: String(flow.name), file });
    session.out.line(`${session.out.colors.green('✓')} ${flow.name}  ${session.out.colors.dim(file)}`);
  }
  session.out.json({ written });
  session.out.summary(`Pulled ${written.length} flow(s) into ${dir}`);
}

/**
 * Step ids are the server's business: a step pushed without one keeps the id of the same-named step, so
 * files stay free of uuids and diff cleanly in review.
 */
function withoutStepIds(flow: Record<string, unknown>): Record<string, unknown> {
  const steps = Array.isArray(flow.steps) ? flow.steps.map(({ id: _id, ...step }: Record<string, unknown>) => step) : flow.steps;
  return { ...flow, steps };
}

export function uniqueFileName(name: string, taken: Set<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'flow';
  let candidate = `${base}.yaml`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}-${i}.yaml`;
  taken.add(candidate);
  return candidate;
}
