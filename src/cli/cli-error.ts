/**
 * Exit codes are the CLI's contract with CI scripts: a job fails the same way whatever the cause inside
 * one class, and a script can tell "the tests failed" from "the pipeline is misconfigured" from "the
 * service is down".
 */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: its message is printed as is (no stack) and the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Extra lines printed under the message (server problems, hints). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string, details: readonly string[] = []): CliError {
    return new CliError(message, EXIT.usage, details);
  }

  static unreachable(message: string, details: readonly string[] = []): CliError {
    return new CliError(message, EXIT.unreachable, details);
  }
}
