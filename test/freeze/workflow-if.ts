/**
 * A small evaluator for the GitHub Actions expressions the freeze workflow uses in `if:`, so the
 * tests route each event through the real workflow file (job `if:`, then the step whose `if:` holds)
 * instead of a copy of its logic. Supports what the docs define for these: property paths with
 * `*` filters, string literals, `==` / `!=` (case-insensitive for strings), `!`, `&&`, `||`,
 * parentheses, `contains(array|string, item)` and `startsWith(string, prefix)`.
 * https://docs.github.com/actions/reference/workflows-and-actions/expressions
 * Anything else throws, so the workflow cannot quietly use syntax the tests do not understand.
 */

type Value = unknown;

/** Whether an `if:` holds. */
export function evaluateIf(expr: string, context: Record<string, unknown>): boolean {
  const v = evaluateExpression(expr, context);
  return !(v === false || v === null || v === undefined || v === 0 || v === '');
}

/** Fills each `${{ … }}` of a template such as a concurrency group. */
export function evaluateTemplate(template: string, context: Record<string, unknown>): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_m, expr: string) => String(evaluateExpression(expr, context) ?? ''));
}

/** The value of one expression (with or without `${{ }}`). */
export function evaluateExpression(expr: string, context: Record<string, unknown>): unknown {
  const src = expr.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const tokens = src.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!,]|[A-Za-z_][\w.*-]*|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expression "${src}": expected ${t}`);
  };
  const truthy = (v: Value) => !(v === false || v === null || v === undefined || v === 0 || v === '');
  const eq = (a: Value, b: Value) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null));

  function path(name: string): Value {
    let values: Value[] = [context];
    let star = false;
    for (const part of name.split('.')) {
      if (part === '*') {
        values = values.flatMap((v) => (Array.isArray(v) ? v : []));
        star = true;
      } else values = values.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined));
    }
    return star ? values : values[0];
  }
  function primary(): Value {
    const t = next();
    if (t === undefined) throw new Error(`expression "${src}": ended early`);
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'contains' && peek() === '(') {
      next();
      const hay = or();
      expect(',');
      const needle = or();
      expect(')');
      return Array.isArray(hay) ? hay.some((h) => eq(h, needle)) : typeof hay === 'string' && typeof needle === 'string' && hay.toLowerCase().includes(needle.toLowerCase());
    }
    // startsWith(string, prefix): case-insensitive, like every string comparison in expressions.
    if (t === 'startsWith' && peek() === '(') {
      next();
      const hay = or();
      expect(',');
      const prefix = or();
      expect(')');
      return typeof hay === 'string' && typeof prefix === 'string' && hay.toLowerCase().startsWith(prefix.toLowerCase());
    }
    if (/^[A-Za-z_]/.test(t)) return path(t);
    throw new Error(`expression "${src}": unsupported token ${t}`);
  }
  function comparison(): Value {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const right = primary();
      left = op === '==' ? eq(left, right) : !eq(left, right);
    }
    return left;
  }
  function and(): Value {
    let left = comparison();
    while (peek() === '&&') {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek() === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const v = or();
  if (i !== tokens.length) throw new Error(`expression "${src}": unexpected ${tokens[i]}`);
  return v;
}
