/**
 * One voice for the tool's own errors: every message it prints about the
 * command line starts with `qom-compat: `, commander's included (which start
 * with `error: ` and put "did you mean" on a line of its own), and says
 * "did you mean" the same way the tool's own unknown-name errors do.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DefinitionError, UnknownNameError } from '../errors.js';
import { EMBEDDED_MACHINES_DIR } from '../load/paths.js';
import { closestMatches } from '../util/suggest.js';

export const PREFIX = 'qom-compat: ';

/** commander's error text (one or two lines) in the tool's words. */
export function commanderMessage(text: string): string {
  let body = text.replace(/^error: /, '').trimEnd();
  // "(Did you mean --format?)" on its own line → "; did you mean '--format'?"
  body = body.replace(/\n\(Did you mean (\S+?)\?\)$/, (_, name: string) => `; did you mean '${name}'?`);
  // A value outside a choice list: suggest the closest choice, as for every other unknown name.
  const choice = /^option '(.+?)' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s.exec(body);
  if (choice) {
    const [, option, value, list] = choice as unknown as [string, string, string, string];
    const choices = list.split(', ');
    const close = closestMatches(value, choices);
    body = `option '${option}': unknown value '${value}'` + (close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : '') +
      ` (choices: ${choices.join(', ')})`;
  }
  return `${PREFIX}${body}\n`;
}

/**
 * A definition file missing from the embedded definitions because `--arch`
 * names an architecture they do not have: say that, with the close ones,
 * rather than which file of a directory that does not exist is missing.
 */
export function unknownArchitecture(e: unknown): UnknownNameError | undefined {
  if (!(e instanceof DefinitionError)) return undefined;
  const rel = relative(EMBEDDED_MACHINES_DIR, e.location.file);
  const [arch, ...rest] = rel.split(sep);
  if (!arch || arch.startsWith('..') || rest.length !== 1 || existsSync(join(EMBEDDED_MACHINES_DIR, arch))) return undefined;
  let known: string[] = [];
  try {
    known = readdirSync(EMBEDDED_MACHINES_DIR).filter((d) => existsSync(join(EMBEDDED_MACHINES_DIR, d, 'machines.json')));
  } catch { /* no embedded definitions: no suggestion */ }
  return new UnknownNameError('architecture', arch, closestMatches(arch, known));
}
