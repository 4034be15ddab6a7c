/**
 * YAML read with positions, so that every error can name its line and column. Uses the `yaml`
 * package's YAML 1.2 core schema: timestamps stay strings (js-yaml would silently make
 * `2027-01-14 09:00` a UTC Date), and `yes`/`no` stay strings.
 * https://eemeli.org/yaml/#documents
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export type YamlResult =
  | { ok: true; value: unknown; at: (path: (string | number)[]) => Position; keyAt: (path: (string | number)[]) => Position }
  | { ok: false; errors: { message: string; line: number; column: number; alias?: true }[] };

/**
 * Parse `text`, which starts at `firstLine` of its file (front-matter starts on line 2).
 * `at(path)` gives the value's position, `keyAt(path)` the key's; both fall back to the nearest
 * parent that exists.
 *
 * Aliases (`*name`) are refused, not expanded: a few lines of anchors and aliases expand to
 * gigabytes ("billion laughs"), and the `yaml` package throws on more than `maxAliasCount` of
 * them or on an alias to a missing anchor (`tags: *new*`). No copydesk setting needs one, so
 * the first alias is reported with its field and position, and nothing is expanded.
 * https://eemeli.org/yaml/#tojs-options
 */
export function parseYamlWithPositions(text: string, firstLine = 1, what = 'this file'): YamlResult {
  const lineCounter = new LineCounter();
  const toPos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + firstLine - 1, column: p.col };
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    // Only a pathological input gets here (e.g. thousands of nested brackets overflow the stack).
    return { ok: false, errors: [{ message: tooComplex(e), line: firstLine, column: 1 }] };
  }
  if (doc.errors.length === 0) {
    const aliases: { field: string; source: string; offset: number }[] = [];
    visit(doc, {
      Alias(_key, node, path) {
        const field = path.filter(isPair).map((p) => String(isScalar(p.key) ? p.key.value : p.key)).join('.');
        aliases.push({ field, source: node.source, offset: node.range?.[0] ?? 0 });
        // One report is enough; stop walking (a bomb has thousands).
        if (aliases.length > 100) return visit.BREAK;
        return undefined;
      },
    });
    const first = aliases[0];
    if (first) {
      const more = aliases.length > 1 ? ` (and ${aliases.length > 100 ? 'more than 100' : aliases.length - 1} more)` : '';
      return { ok: false, errors: [{ message: `${first.field ? `\`${first.field}\`: ` : ''}aliases are not allowed in ${what}: write the value out instead of \`*${first.source}\`${more}`, line: toPos(first.offset).line, column: toPos(first.offset).column, alias: true }] };
    }
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const p = toPos(e.pos[0]);
        return { message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), line: p.line, column: p.column };
      }),
    };
  }
  const find = (path: (string | number)[], wantKey: boolean): Position => {
    let node: unknown = doc.contents;
    let best: number = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        const valRange = (pair.value as Node | null)?.range;
        best = (wantKey && seg === path[path.length - 1] ? keyRange?.[0] : (valRange?.[0] ?? keyRange?.[0])) ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        best = item.range?.[0] ?? best;
        node = item;
      } else break;
    }
    return toPos(best);
  };
  let value: unknown;
  try {
    value = (doc as Document).toJS({ maxAliasCount: 0 });
  } catch (e) {
    return { ok: false, errors: [{ message: tooComplex(e), line: firstLine, column: 1 }] };
  }
  return { ok: true, value, at: (p) => find(p, false), keyAt: (p) => find(p, true) };
}

/** A friendly sentence for what the YAML library threw: its own text is not for people. */
function tooComplex(e: unknown): string {
  return e instanceof RangeError ? 'the YAML is nested too deeply to read' : 'the YAML cannot be read';
}

/** Closest known name to a typo (`publsh_at` → `publish_at`), for "did you mean". */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
