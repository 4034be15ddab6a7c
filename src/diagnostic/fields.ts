/**
 * Small typed readers for YAML mappings that report, instead of throw: each reader records a
 * diagnostic naming the field, what was expected and how to fix it, and returns undefined.
 */
import { diag, type Diagnostic } from './diagnostic.ts';
import { closest, type Position } from './yaml-source.ts';

export class FieldReader {
  readonly problems: Diagnostic[] = [];
  readonly file: string;
  readonly at: (path: (string | number)[]) => Position;
  readonly keyAt: (path: (string | number)[]) => Position;
  constructor(file: string, at: (path: (string | number)[]) => Position, keyAt: (path: (string | number)[]) => Position) {
    this.file = file;
    this.at = at;
    this.keyAt = keyAt;
  }

  error(path: (string | number)[], ruleId: string, message: string, fix?: string): undefined {
    this.problems.push(diag(this.file, this.at(path), 'error', ruleId, message, fix));
    return undefined;
  }

  /** Report keys not in `known`, with a "did you mean" when one is close. */
  unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: (string | number)[], ruleId: string): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.problems.push(
        diag(this.file, this.keyAt([...path, key]), 'error', ruleId,
          `unknown field \`${[...path, key].join('.')}\``,
          guess ? `Did you mean \`${guess}\`? Rename the field.` : `Remove it, or use one of: ${known.join(', ')}.`),
      );
    }
  }

  string(obj: Record<string, unknown>, key: string, path: (string | number)[], ruleId: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.error([...path, key], ruleId, `\`${[...path, key].join('.')}\` must be text, not ${describe(v)}`, 'Write a single value in quotes.');
  }

  number(obj: Record<string, unknown>, key: string, path: (string | number)[], ruleId: string, min = 0): number | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min) return v;
    return this.error([...path, key], ruleId, `\`${[...path, key].join('.')}\` must be a number ≥ ${min}, not ${describe(v)}`, `Write a whole number, e.g. \`${key}: ${Math.max(min, 1)}\`.`);
  }

  boolean(obj: Record<string, unknown>, key: string, path: (string | number)[], ruleId: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    return this.error([...path, key], ruleId, `\`${[...path, key].join('.')}\` must be true or false, not ${describe(v)}`, `Write \`${key}: true\` or \`${key}: false\`.`);
  }

  /** A list of strings; a single string is accepted as a one-item list. */
  stringList(obj: Record<string, unknown>, key: string, path: (string | number)[], ruleId: string): string[] | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
    return this.error([...path, key], ruleId, `\`${[...path, key].join('.')}\` must be a list of words, not ${describe(v)}`, `Write \`${key}: [first, second]\`.`);
  }

  map(obj: Record<string, unknown>, key: string, path: (string | number)[], ruleId: string): Record<string, unknown> | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (isRecord(v)) return v;
    return this.error([...path, key], ruleId, `\`${[...path, key].join('.')}\` must be a mapping of fields, not ${describe(v)}`, 'Indent its fields under it, one `name: value` per line.');
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function describe(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}
