import type { Command } from 'commander';
import { readCliEnvironment } from './cli-env';
import { EXIT, type ExitCode } from './cli-error';
import { type GlobalOptions, Session } from './session';

/**
 * Wraps a command's handler: builds the Session from the global flags (wherever they were written on
 * the command line) and the environment, and records the exit code the handler answers. Errors are left
 * to main's one handler.
 */
export function withSession<A extends unknown[]>(
  handler: (session: Session, ...args: A) => Promise<ExitCode | void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const session = new Session(command.optsWithGlobals<GlobalOptions>(), readCliEnvironment());
    const code = await handler(session, ...(args.slice(0, -1) as A));
    process.exitCode = code ?? EXIT.passed;
  };
}

/** `--var k=v` collected into a list (commander calls this once per occurrence). */
export function collectVariable(value: string, previous: Array<{ name: string; value: string }> = []): Array<{ name: string; value: string }> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidOptionValue(`--var expects name=value, got "${value}"`);
  return [...previous, { name: value.slice(0, eq), value: value.slice(eq + 1) }];
}

/** Thrown from option parsers; commander reports it as a usage error (exit 2). */
export class InvalidOptionValue extends Error {
  readonly code = 'commander.invalidArgument';
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidOptionValue(`expected a positive whole number, got "${value}"`);
  return n;
}
