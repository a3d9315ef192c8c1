/** Minimal, strict argument parsing shared by the `pvpi` subcommands. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Parses `--name value`, `--name=value` and bare `--switch` flags (a switch is followed by another flag or nothing). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        flags.set(a.slice(2, eq), a.slice(eq + 1));
      } else {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('--')) {
          flags.set(a.slice(2), next);
          i++;
        } else {
          flags.set(a.slice(2), true);
        }
      }
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

export function stringFlag(args: ParsedArgs, name: string, fallback?: string): string {
  const v = args.flags.get(name);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`missing required option --${name}`);
  }
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}

export function numberFlag(args: ParsedArgs, name: string, fallback?: number): number {
  const v = args.flags.get(name);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`missing required option --${name}`);
  }
  const n = v === true ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`option --${name} must be a number, got "${String(v)}"`);
  return n;
}

/** Parses "x,y,z" (mm) into a 3-vector. */
export function pointFlag(args: ParsedArgs, name: string): [number, number, number] {
  const s = stringFlag(args, name);
  const parts = s.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
    throw new UsageError(`option --${name} must be x,y,z in mm, got "${s}"`);
  }
  return [parts[0], parts[1], parts[2]];
}
