// Textual edits at AST spans. Variants are derived by editing the user's program in place rather
// than reprinting it, so every line not touched keeps its layout and comments.
import type { Span } from '../frontend/ast.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class SourceEdits {
  private readonly edits: Edit[] = [];

  constructor(private readonly source: string) {}

  /** Replace the text of a span. */
  replace(span: Span, text: string): void {
    this.add({ start: span.start.offset, end: span.end.offset, text });
  }

  insert(offset: number, text: string): void {
    this.add({ start: offset, end: offset, text });
  }

  /**
   * Delete a statement or declaration. When it sits alone on its line (a trailing `//` comment,
   * which describes it, goes with it) the whole line goes, so no blank line is left behind.
   */
  remove(span: Span): void {
    const s = this.source;
    let start = span.start.offset;
    let end = span.end.offset;
    const lineStart = s.lastIndexOf('\n', start - 1) + 1;
    let lineEnd = s.indexOf('\n', end);
    if (lineEnd < 0) lineEnd = s.length;
    const before = s.slice(lineStart, start);
    const after = s.slice(end, lineEnd);
    if (/^\s*$/.test(before) && /^\s*(\/\/.*)?$/.test(after)) {
      start = lineStart;
      end = Math.min(lineEnd + 1, s.length);
    }
    this.add({ start, end, text: '' });
  }

  /** True when the offset lies inside text already removed or replaced. */
  covers(offset: number): boolean {
    return this.edits.some((e) => e.start <= offset && offset < e.end);
  }

  apply(): string {
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    let out = '';
    let at = 0;
    for (const e of sorted) {
      out += this.source.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + this.source.slice(at);
  }

  private add(edit: Edit): void {
    // An edit inside a removed region is moot; a removal swallows the edits it contains.
    // Insertions (zero width) at a region's boundary are outside it.
    const inside = (a: Edit, region: Edit) =>
      a.start === a.end
        ? region.start < a.start && a.start < region.end
        : region.start <= a.start && a.end <= region.end;
    if (this.edits.some((e) => e.text === '' && e.end > e.start && inside(edit, e))) return;
    for (let i = this.edits.length - 1; i >= 0; i--) {
      const e = this.edits[i];
      if (edit.text === '' && edit.end > edit.start && inside(e, edit)) this.edits.splice(i, 1);
      else if (e.start < edit.end && edit.start < e.end) {
        throw new Error(`overlapping source edits at offsets ${edit.start}–${edit.end} and ${e.start}–${e.end}`);
      }
    }
    this.edits.push(edit);
  }
}
