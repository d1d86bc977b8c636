/**
 * Text output that respects the terminal's width: lines longer than
 * `COLUMNS` (when set) or the terminal's width are wrapped at spaces, with a
 * hanging indent so a wrapped line still reads as one item. Never narrower
 * than MIN_WIDTH. Piped output without COLUMNS, and machine formats (json,
 * csv, markdown, github), are never wrapped: scripts get whole lines.
 */

export const MIN_WIDTH = 40;

/** The width to wrap at, or undefined not to wrap. */
export function outputWidth(env: NodeJS.ProcessEnv, terminalColumns: number | undefined): number | undefined {
  const fromEnv = env.COLUMNS !== undefined && /^\d+$/.test(env.COLUMNS.trim()) ? Number(env.COLUMNS.trim()) : undefined;
  const columns = fromEnv !== undefined && fromEnv > 0 ? fromEnv : terminalColumns;
  return columns === undefined || columns <= 0 ? undefined : Math.max(MIN_WIDTH, columns);
}

// SGR colour sequences (chalk's only output) take no room on the screen.
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, '').length;

/** One line as lines of at most `width` visible characters (a word longer than a line is cut). */
export function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  // Continuation lines sit four columns in from the item, within reason.
  const hanging = ' '.repeat(Math.min(indent.length + 4, Math.floor(width / 2)));
  const words = line.slice(indent.length).split(' ');
  const out: string[] = [];
  let current = indent;
  let used = indent.length;
  let fresh = true;
  const flush = () => { out.push(current); current = hanging; used = hanging.length; fresh = true; };
  for (const word of words) {
    const length = visibleLength(word);
    if (!fresh && used + 1 + length > width) flush();
    const separator = fresh ? '' : ' ';
    current += separator;
    used += separator.length;
    // A coloured word is never cut (its codes would be); a plain one wider than a line (a long QOM path) is.
    let rest = word;
    if (!rest.includes('\u001b')) {
      while (used + rest.length > width) {
        if (used >= width) { flush(); continue; }
        current += rest.slice(0, width - used);
        rest = rest.slice(width - used);
        flush();
      }
    }
    current += rest;
    used += visibleLength(rest);
    fresh = false;
  }
  out.push(current);
  return out;
}

/** Collects written text and writes it on in whole, wrapped lines. */
export class LineWrapper {
  private pending = '';

  constructor(private readonly write: (text: string) => void, private readonly width: number) {}

  out(text: string): void {
    this.pending += text;
    const end = this.pending.lastIndexOf('\n');
    if (end < 0) return;
    const whole = this.pending.slice(0, end);
    this.pending = this.pending.slice(end + 1);
    this.write(whole.split('\n').flatMap((l) => wrapLine(l, this.width)).join('\n') + '\n');
  }

  /** Writes what is left (output that does not end in a newline). */
  end(): void {
    if (this.pending === '') return;
    const rest = this.pending;
    this.pending = '';
    this.write(wrapLine(rest, this.width).join('\n'));
  }
}
