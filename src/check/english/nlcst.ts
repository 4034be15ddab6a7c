/** The few nlcst shapes the English plugins touch (https://github.com/syntax-tree/nlcst). */
import type { Point } from 'unist';

export interface NlcstNode {
  /** `RootNode`, `ParagraphNode`, `SentenceNode`, `WordNode`, `TextNode`, `WhiteSpaceNode`, … */
  type: string;
  /** Text of leaf nodes. */
  value?: string;
  /** Children of parent nodes. */
  children?: NlcstNode[];
  /** Where the node is in the file. */
  position?: { start: Point; end: Point };
}

export interface NlcstParent extends NlcstNode {
  children: NlcstNode[];
}

/** nlcst-to-string: the text of a node. */
export function nodeText(node: NlcstNode | NlcstNode[]): string {
  if (Array.isArray(node)) return node.map(nodeText).join('');
  if (typeof node.value === 'string') return node.value;
  return node.children ? node.children.map(nodeText).join('') : '';
}

/** unist-util-position's pointStart/pointEnd: a point only when it has a valid line and column. */
export function pointOf(node: NlcstNode | undefined, edge: 'start' | 'end'): Point | undefined {
  const p = node?.position?.[edge];
  if (!p || typeof p.line !== 'number' || p.line < 1 || typeof p.column !== 'number' || p.column < 1) return undefined;
  return { line: p.line, column: p.column, ...(typeof p.offset === 'number' && p.offset > -1 ? { offset: p.offset } : {}) };
}
