import { parseArgs, UsageError } from './args';
import type { Command, CommandIO } from './command';
import { commands } from './commands';

const consoleIO: CommandIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

function help(io: CommandIO): void {
  io.out('pvpi: PVPI Planner command line (vertebroplasty + 125I seed planning)');
  io.out('');
  io.out('Commands:');
  for (const c of commands) io.out(`  ${c.name.padEnd(20)} ${c.summary}`);
  io.out('');
  io.out('Run `pvpi <command> --help` for the options of one command.');
}

/** Entry point of the CLI; returns the exit code (0 ok, 1 runtime error, 2 usage error). */
export async function main(argv: readonly string[], io: CommandIO = consoleIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pvpi: unknown command "${name}". Known: ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: pvpi ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(parseArgs(rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pvpi ${name}: ${e.message}`);
      io.err(`usage: pvpi ${command.usage}`);
      return 2;
    }
    io.err(`pvpi ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
