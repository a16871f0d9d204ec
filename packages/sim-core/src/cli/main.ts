#!/usr/bin/env node
/**
 * `lab`: the kubelab command line. Every subcommand takes `-o json`; a bad flag, a bad value or
 * an unknown name prints `error: …` naming it and exits non-zero, leaving nothing half-done.
 */
import { Command, CommanderError } from 'commander';
import { CliError } from './io';
import { commands } from './commands/index';

export function buildProgram(): Command {
  const program = new Command('lab')
    .description('kubelab: a deterministic simulation of the Tower Fleet k3s cluster')
    .showHelpAfterError('(run `lab --help` for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // An action may have set a non-zero exit code for a result (e.g. lab compare: something differs).
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed its message (unknown option, missing argument, help…).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]main\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
