/** Offset → line/column in a text: every diagnostic's position comes from here. */

export interface Located {
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 units, like the retext checks). */
  column: number;
}

/** Offset → line/column, with the line starts computed once per source. */
export function locator(source: string): (offset: number) => Located {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

