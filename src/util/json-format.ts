/**
 * Stable, review-friendly JSON: two-space indentation, and objects or arrays
 * whose members are all scalars kept on one line when short (one compat entry
 * or one property per line). bigint is written as an exact integer.
 */
const MAX_INLINE = 140;

export function formatJson(value: unknown): string {
  return render(value, '') + '\n';
}

function scalar(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function render(v: unknown, indent: string): string {
  if (isScalar(v)) return scalar(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isScalar)) {
      const line = `[${v.map(scalar).join(', ')}]`;
      if (line.length + indent.length <= MAX_INLINE) return line;
    }
    return `[\n${v.map((x) => inner + render(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([, x]) => isScalar(x) || (Array.isArray(x) && x.every(isScalar)))) {
    const line = `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${Array.isArray(x) ? `[${x.map(scalar).join(', ')}]` : scalar(x)}`).join(', ')} }`;
    if (line.length + indent.length <= MAX_INLINE) return line;
  }
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(',\n')}\n${indent}}`;
}
