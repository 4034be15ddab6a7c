/**
 * `--term flood --term storm`: the shared flag parser keeps one value per flag, so repeatable
 * flags are taken out first. Also accepts `--term=flood`.
 */
import { UsageError } from './context.ts';

/** Removes every `--<name> value` / `--<name>=value` for the given names; returns their values and the rest. */
export function repeatedOptions(args: string[], names: string[]): { values: Record<string, string[]>; rest: string[] } {
  const values: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (m && names.includes(m[1]!)) {
      const v = m[2] ?? args[++i];
      if (v === undefined) throw new UsageError(`--${m[1]} needs a value`);
      values[m[1]!]!.push(v);
    } else rest.push(a);
  }
  return { values, rest };
}
