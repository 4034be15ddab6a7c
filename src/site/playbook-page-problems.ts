/**
 * What makes a playbook page unsafe to build: the site renders `playbook/*.md` from the
 * repository, where anyone can open a pull request, and Astro passes raw HTML in Markdown through
 * to the page. So a page is refused, with file, line and column, when it
 * - is larger than {@link MAX_PAGE_BYTES};
 * - opens its front-matter with an engine (`---js`: gray-matter would evaluate it) or uses YAML
 *   aliases (a "billion laughs" block exhausts the build's memory);
 * - holds raw HTML that runs code: `<script>`, `<iframe>` and other embedding elements,
 *   `on…=` event attributes, `javascript:` (or `vbscript:`, `data:text/html`) links.
 * Code blocks may show such text: only Markdown's raw HTML and link destinations are looked at.
 * Pure: (file, text) in, diagnostics out; the content collection (./content.config.ts) throws them.
 */
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { parseYamlWithPositions } from '../diagnostic/yaml-source.ts';
import { splitFrontMatter } from '../post/front-matter.ts';

/** Largest playbook page read: the longest real page is a few KB. */
export const MAX_PAGE_BYTES = 256 * 1024;

const ELEMENTS = /<\s*(script|iframe|frame|frameset|object|embed|applet|base|meta|form|link|portal)\b/i;
const EVENT_ATTRIBUTE = /[\s"'/]on[a-z]+\s*=/i;
const URL_ATTRIBUTE = /\b(?:href|src|action|formaction|xlink:href|data|srcdoc)\s*=\s*["']?\s*(?:javascript|vbscript|data\s*:\s*text\/html)/i;
const SRCDOC = /\bsrcdoc\s*=/i;

/** A link destination that runs code when followed. */
export function isScriptUrl(url: string): boolean {
  // Browsers ignore ASCII whitespace and control characters inside the scheme: `java\tscript:`.
  // https://url.spec.whatwg.org/#url-parsing
  const u = url.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  return u.startsWith('javascript:') || u.startsWith('vbscript:') || u.startsWith('data:text/html');
}

export function playbookPageProblems(file: string, source: string): Diagnostic[] {
  const err = (at: { line: number; column?: number }, ruleId: string, message: string, fix: string) => diag(file, at, 'error', ruleId, message, fix);
  if (source.length > MAX_PAGE_BYTES) return [err({ line: 1 }, 'page-size', `the page is ${Math.round(source.length / 1024)} KB; a playbook page may be at most ${MAX_PAGE_BYTES / 1024} KB`, 'Split it into several pages.')];
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const problems: Diagnostic[] = [];
  const split = splitFrontMatter(text, 'playbook page');
  let bodyStart = 0;
  if (!split.ok) {
    if (split.reason !== 'missing') return [err({ line: split.line }, 'front-matter', split.message, split.fix)];
  } else {
    bodyStart = split.bodyStart;
    const y = parseYamlWithPositions(split.yaml, split.yamlLine, 'playbook front matter');
    if (!y.ok) {
      for (const e of y.errors) problems.push(err(e, 'front-matter', e.alias ? e.message : `invalid front-matter YAML: ${e.message}`, e.alias ? 'Replace the alias with the value itself.' : 'Fix the YAML at this position.'));
      return problems;
    }
  }
  // The body as Markdown, at its own line numbers: the front-matter is blanked, not removed.
  const body = text.slice(0, bodyStart).replace(/[^\n]/g, ' ') + text.slice(bodyStart);
  let tree;
  try {
    tree = unified().use(remarkParse).parse(body);
  } catch {
    return [err({ line: 1 }, 'page-markdown', 'the page cannot be read as Markdown (it is nested too deeply)', 'Simplify the formatting: fewer nested quotes, lists or brackets.')];
  }
  // Iterative walk (no recursion: a deep tree must not overflow the stack).
  type Node = { type: string; value?: string; url?: string; position?: { start: { line: number; column: number } }; children?: Node[] };
  const stack: Node[] = [tree as Node];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.children) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    const at = { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
    if (node.type === 'html') {
      const value = node.value ?? '';
      const element = ELEMENTS.exec(value);
      if (element) problems.push(err(at, 'raw-html', `raw \`<${element[1]!.toLowerCase()}>\` is not allowed in playbook pages: the site never runs code from a page`, 'Remove the HTML; write the content as Markdown (a link, an image, a code block to show code).'));
      else if (EVENT_ATTRIBUTE.test(value)) problems.push(err(at, 'raw-html', 'an `on…=` event attribute in raw HTML is not allowed in playbook pages: it runs code in the reader\'s browser', 'Remove the attribute (or the HTML) and write the content as Markdown.'));
      else if (URL_ATTRIBUTE.test(value) || SRCDOC.test(value)) problems.push(err(at, 'raw-html', 'a `javascript:` (or `data:text/html`) address in raw HTML is not allowed in playbook pages', 'Link to an https:// address instead.'));
    } else if ((node.type === 'link' || node.type === 'image' || node.type === 'definition') && isScriptUrl(node.url ?? '')) {
      problems.push(err(at, 'script-link', `a link to \`${(node.url ?? '').slice(0, 40)}\` runs code: it is not allowed in playbook pages`, 'Link to an https:// address instead.'));
    }
  }
  return problems;
}

/** Diagnostics as lines a build log shows: `playbook/x.md:3:1  rule  message (fix)`. */
export function formatPageProblems(list: Diagnostic[]): string {
  return list.map((d) => `${d.file}:${d.line}:${d.column}  ${d.ruleId}  ${d.message}\n    fix: ${d.fix ?? ''}`).join('\n');
}
