#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './cli-error';
import { executionsCommand } from './commands/executions';
import { flowsPullCommand } from './commands/flows-pull';
import { flowsPushCommand } from './commands/flows-push';
import { importOpenApiCommand } from './commands/import-openapi';
import { loginCommand } from './commands/login';
import { runCommand } from './commands/run';
import { suiteRunCommand } from './commands/suite-run';
import { teamsCommand } from './commands/teams';
import { validateCommand } from './commands/validate';

/**
 * `ats`: the service from a terminal or a CI job, over its HTTP API only. This file wires commands;
 * each lives in commands/. New commands (e.g. `ats import openapi`) are one file there and one line here.
 */
export function buildProgram(): Command {
  const program = new Command('ats')
    .description('Async Testing Service CLI: flows as code, runs and suites from terminals and pipelines')
    .version(version(), '-V, --version')
    .option('--url <url>', 'service URL (env ATS_URL; default: the profile\'s)')
    .option('--team <id|name>', 'team to act on (env ATS_TEAM; default: the profile\'s, or your only team)')
    .option('--profile <name>', 'stored login to use', 'default')
    .option('--api-key <key>', 'team API key (env ATS_API_KEY)')
    .option('--no-color', 'no colours (also NO_COLOR, and whenever the output is not a terminal)')
    .addOption(new Option('--output <format>', 'text for people, json for scripts').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print only verdicts and problems')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 passed, 1 failed or cancelled, 2 usage or configuration error, 3 service unreachable or timeout.

Examples:
  $ ats login http://localhost:3000 --email ada@example.com
  $ ats flows push flows/ --dry-run
  $ ats run "Create order" --wait --junit junit.xml
  $ ATS_URL=https://ats.example.com ATS_API_KEY=ats_… ATS_TEAM=Payments ats suite run Smoke --junit junit.xml`,
    );

  program.addCommand(loginCommand());
  program.addCommand(teamsCommand());
  program.addCommand(new Command('flows').description('Flows as code: push files to the team, pull the team\'s flows into files').addCommand(flowsPushCommand()).addCommand(flowsPullCommand()));
  program.addCommand(validateCommand());
  program.addCommand(runCommand());
  program.addCommand(new Command('suite').description('Test suites').addCommand(suiteRunCommand()));
  program.addCommand(executionsCommand());
  program.addCommand(new Command('import').description('Create flows from other formats').addCommand(importOpenApiCommand()));

  // Every command (nested too) reports usage errors through the one handler below, with exit code 2.
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

function version(): string {
  try {
    // dist/src/cli/main.js → package.json three levels up (and ../../ from src/cli under ts runners).
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" under exitOverride; commander has already printed them.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.passed;
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n${error.details.map((d) => `${d}\n`).join('')}`);
    return error.exitCode;
  }
  // A prompt closed with Ctrl-C.
  if ((error as Error)?.name === 'ExitPromptError') return EXIT.usage;
  process.stderr.write(`error: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.failed;
}

if (require.main === module) {
  // `ats … | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void main(process.argv);
}
