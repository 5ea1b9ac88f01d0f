/** A small S-expression reader for VNN-LIB (SMT-LIB subset) that keeps line numbers for errors. */

/** An atom (symbol or number text) or a list, with the line it starts on. */
export type SExpr = { readonly kind: 'atom'; readonly text: string; readonly line: number } | { readonly kind: 'list'; readonly items: SExpr[]; readonly line: number };

/** Deepest nesting of parentheses {@link readSExprs} accepts by default (real properties use < 10). */
export const MAX_SEXPR_DEPTH = 64;

/**
 * Reads every top-level expression of `text`; `;` starts a comment to the end of the line. Works
 * without recursion and refuses nesting deeper than `maxDepth`, so that the recursive readers of
 * the result cannot overflow the stack.
 */
export function readSExprs(text: string, source: string, maxDepth = MAX_SEXPR_DEPTH): SExpr[] {
  const tokens: { text: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const s = raw.replace(/;.*$/, '');
    const re = /\(|\)|[^\s()]+/g;
    for (let m = re.exec(s); m; m = re.exec(s)) tokens.push({ text: m[0], line: i + 1 });
  });
  const out: SExpr[] = [];
  const stack: { items: SExpr[]; line: number }[] = [];
  for (const tok of tokens) {
    if (tok.text === '(') {
      if (stack.length >= maxDepth) throw new Error(`${source}: line ${tok.line}: parentheses nested deeper than ${maxDepth}`);
      stack.push({ items: [], line: tok.line });
    }
    else if (tok.text === ')') {
      const top = stack.pop();
      if (!top) throw new Error(`${source}: line ${tok.line}: unmatched ')'`);
      const expr: SExpr = { kind: 'list', items: top.items, line: top.line };
      (stack.length ? stack[stack.length - 1].items : out).push(expr);
    } else {
      const atom: SExpr = { kind: 'atom', text: tok.text, line: tok.line };
      if (!stack.length) throw new Error(`${source}: line ${tok.line}: '${tok.text}' outside parentheses`);
      stack[stack.length - 1].items.push(atom);
    }
  }
  if (stack.length) throw new Error(`${source}: line ${stack[stack.length - 1].line}: '(' is never closed`);
  return out;
}
