/**
 * Splits a Markdown file into its YAML front-matter and its body, without running anything.
 *
 * gray-matter (https://github.com/jonschlinkert/gray-matter#optionsengines) picks a parser from
 * the opening line: `---js`, `---javascript` and `---coffee` front-matter is *evaluated*. Content
 * files come from strangers' pull requests, so copydesk never hands them to gray-matter: this
 * splitter accepts only a plain `---` line and reports an engine name as an error. Used by the
 * post parser, holding statements and the playbook site (sidebar and content collection).
 */

/** Where the front-matter and the body are, or why the file has no usable front-matter. */
export type FrontMatterSplit =
  | {
      ok: true;
      /** The YAML between the `---` lines (without them). */
      yaml: string;
      /** 1-based line of the first YAML line (2: right after the opening `---`). */
      yamlLine: number;
      /** Offset in the source where the body starts (after the closing `---` line). */
      bodyStart: number;
      /** 1-based line where the body starts. */
      bodyLine: number;
    }
  | { ok: false; reason: 'missing' | 'engine' | 'not-closed'; line: number; message: string; fix: string };

const OPEN = /^---[ \t]*(\r?\n|$)/;
const OPEN_WITH_ENGINE = /^---[ \t]*([A-Za-z][\w-]*)[ \t]*\r?\n/;
const CLOSE = /^---[ \t]*$/;

/**
 * Split `source` (BOM already removed). `what` names the file kind in messages ("post",
 * "playbook page"). A file without front-matter is `missing`; the caller decides if that is fine.
 */
export function splitFrontMatter(source: string, what = 'post'): FrontMatterSplit {
  const engine = OPEN_WITH_ENGINE.exec(source);
  if (engine) {
    return {
      ok: false,
      reason: 'engine',
      line: 1,
      message: `the front-matter starts with \`---${engine[1]}\`: front-matter in another language (JavaScript, CoffeeScript…) is refused, because content files never run code`,
      fix: 'Start the front-matter with a line holding only `---` and write the fields as YAML (`field: value`).',
    };
  }
  if (!OPEN.test(source)) {
    return { ok: false, reason: 'missing', line: 1, message: `the ${what} has no front-matter`, fix: 'Start the file with a `---` line, the fields, and another `---` line.' };
  }
  // Line by line with indexOf: linear in the file's size whatever it holds.
  let offset = source.indexOf('\n') + 1;
  let line = 2;
  if (offset === 0) return notClosed(what);
  const yamlStart = offset;
  while (offset <= source.length) {
    const nl = source.indexOf('\n', offset);
    const end = nl === -1 ? source.length : nl;
    const text = source.slice(offset, end).replace(/\r$/, '');
    if (CLOSE.test(text)) {
      // Without the line break before the closing `---`: an error at the end of the last field
      // is then reported on that field's line (as YAML tools do), not on the `---` line.
      const yaml = source.slice(yamlStart, offset).replace(/\r?\n$/, '');
      const bodyStart = nl === -1 ? source.length : nl + 1;
      return { ok: true, yaml, yamlLine: 2, bodyStart, bodyLine: line + 1 };
    }
    if (nl === -1) break;
    offset = nl + 1;
    line++;
  }
  return notClosed(what);
}

function notClosed(what: string): FrontMatterSplit {
  return {
    ok: false,
    reason: 'not-closed',
    line: 1,
    message: `the front-matter is not closed: the ${what} has no \`---\` line after its fields (the front-matter opens on line 1)`,
    fix: 'Add a line holding only `---` after the last field, before the text.',
  };
}
