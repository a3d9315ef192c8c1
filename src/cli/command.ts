import type { ParsedArgs } from './args';

/** One `pvpi` subcommand. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

/** Output sinks, injectable so tests can capture what a command prints. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}
