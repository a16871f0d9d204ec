/**
 * Shared plumbing for `lab` subcommands: one error type that names the flag and value, output
 * in human text or `-o json`, and reading input files with errors that name the file.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';

/** A user error: printed as `error: …` with exit code 2 (bad flag, unknown name, bad file). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type OutputFormat = 'text' | 'json' | 'hex' | 'yaml';

/** The `-o, --output` option every subcommand has. */
export function outputOption(formats: OutputFormat[] = ['text', 'json']): Option {
  return new Option('-o, --output <format>', 'output format').choices(formats).default('text');
}

/** Writes a result: JSON (2-space, trailing newline) for -o json, else the text renderer. */
export function emit(format: string, value: unknown, text: () => string): void {
  if (format === 'json') process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  else process.stdout.write(text());
}

export function readInputFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${flag}: cannot read ${JSON.stringify(path)}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`);
  }
}

/** commander argument parser for a non-negative integer flag such as --seed. */
export function intArg(flag: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${flag} must be an integer, got ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${flag} must be between ${min} and ${max}, got ${value}`);
    return n;
  };
}

/** A subcommand module registers itself on the `lab` program. */
export type RegisterCommand = (program: Command) => void;
