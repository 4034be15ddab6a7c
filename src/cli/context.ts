/**
 * What an entry point hands to a command: the only place the clock, the environment and the
 * terminal come from. Commands are functions `(args, ctx) => exit code`, testable without a process.
 */
export interface CommandContext {
  /** Repository root (absolute). */
  root: string;
  /** The clock, read once by the entry point. */
  now: Date;
  /** Environment variables (tokens, GITHUB_* variables). Never printed. */
  env: Readonly<Record<string, string | undefined>>;
  /** Write to standard output (text as given, no newline added). */
  out: (text: string) => void;
  /** Write to standard error. */
  err: (text: string) => void;
}

export type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** A user mistake in arguments: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {}

/** Minimal flag parser: `--name value`, `--name=value`, boolean `--flag`; the rest are positionals. */
export function parseArgs(args: string[], spec: { strings?: string[]; booleans?: string[] }): { flags: Record<string, string | boolean>; positionals: string[] } {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.booleans?.includes(name)) flags[name] = true;
    else if (spec.strings?.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      const known = [...(spec.strings ?? []), ...(spec.booleans ?? [])].map((n) => `--${n}`);
      throw new UsageError(`unknown option ${a}${known.length ? ` (options: ${known.join(', ')})` : ''}`);
    }
  }
  return { flags, positionals };
}
