/**
 * Go's text/tabwriter as kubectl configures it for `get` output (minwidth 6, tabwidth 4,
 * padding 3, pad char ' ', no flags that change layout here). A cell ends at '\t'; a column's
 * width is max(minwidth, widest cell + padding) over the block of consecutive lines that have
 * that column; the text after a line's last tab is not aligned.
 * Upstream: k8s.io/cli-runtime/pkg/printers/tabwriter.go, Go src/text/tabwriter/tabwriter.go.
 * Widths count runes, as Go does for UTF-8 text.
 */

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
}

export const KUBECTL_TABWRITER: TabwriterOptions = { minwidth: 6, padding: 3 };

const runeLen = (s: string) => [...s].length;

export function tabwrite(text: string, opts: TabwriterOptions = KUBECTL_TABWRITER): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const widths: number[][] = lines.map((cells) => cells.map(() => 0));
  // Column by column, over blocks of consecutive lines that have a (tab-terminated) cell there.
  const maxCols = Math.max(0, ...lines.map((c) => c.length - 1));
  for (let col = 0; col < maxCols; col++) {
    let i = 0;
    while (i < lines.length) {
      if (lines[i]!.length - 1 <= col) {
        i++;
        continue;
      }
      let j = i;
      let width = opts.minwidth;
      while (j < lines.length && lines[j]!.length - 1 > col) {
        width = Math.max(width, runeLen(lines[j]![col]!) + opts.padding);
        j++;
      }
      for (let k = i; k < j; k++) widths[k]![col] = width;
      i = j;
    }
  }
  const out = lines.map((cells, li) =>
    cells
      .map((c, ci) => (ci < cells.length - 1 ? c + ' '.repeat(Math.max(0, widths[li]![ci]! - runeLen(c))) : c))
      .join(''),
  );
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
