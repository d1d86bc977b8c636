/**
 * The corpus command lines (test/fixtures/cmdlines) as differential scenarios:
 * each line rewritten for this host (host-resources.ts), with the machine type
 * the line names. Shared by the recorder (tools/record-corpus-fixtures.mjs),
 * the replay test (test/corpus/values.test.ts) and its live variant.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQemuCommandLine } from '../../src/parse/command-line.js';
import { splitShellWords } from '../../src/parse/shell-words.js';
import { CORPUS_DIR, corpusFiles } from './corpus.js';
import type { Scenario } from './differential.js';
import { STANDIN_DIR, substituteHostResources, type HostView, type SubstitutedLine } from './host-resources.js';
import { embeddedOptionTable } from './option-table.js';

export const FIXTURE_FILE = join(CORPUS_DIR, 'qemu-10.0.2.json.gz');
export const SUBSTITUTIONS_FILE = join(CORPUS_DIR, 'substitutions.json');

export interface CorpusLine extends SubstitutedLine { file: string; scenario: Scenario }

/**
 * This machine as the substitution sees it. `kvm` is fixed to true, not probed: the fixture
 * is recorded under KVM here and replayed where /dev/kvm may be absent, with the same lines.
 */
export const HOST: HostView = { exists: (p) => existsSync(p), kvm: true };

/** The host view the fixture was recorded with (substitutions.json `paths`): replay substitutes as the recording did, on any machine. */
export function recordedHost(): HostView {
  const { paths } = JSON.parse(readFileSync(SUBSTITUTIONS_FILE, 'utf8')) as { paths: Record<string, boolean> };
  return {
    kvm: true,
    exists: (p) => {
      if (!Object.hasOwn(paths, p)) throw new Error(`${SUBSTITUTIONS_FILE} does not say whether ${p} exists: re-record (tools/record-corpus-fixtures.mjs)`);
      return paths[p]!;
    },
  };
}

/** A host view that remembers every path it was asked about, for the record. */
export function loggingHost(host: HostView): { host: HostView; paths: Map<string, boolean> } {
  const paths = new Map<string, boolean>();
  return { paths, host: { kvm: host.kvm, exists: (p) => { const e = host.exists(p); paths.set(p, e); return e; } } };
}

export function corpusLines(host: HostView = HOST): CorpusLine[] {
  const table = embeddedOptionTable();
  return corpusFiles().map((file) => {
    const words = splitShellWords(readFileSync(join(CORPUS_DIR, file), 'utf8'));
    const sub = substituteHostResources(words, table, host, file);
    const parsed = parseQemuCommandLine(sub.args, table);
    const machine = parsed.ok ? parsed.line.machine ?? 'pc' : 'pc';
    return { ...sub, file, scenario: { name: file, category: 'corpus', machine, nodefaults: false, options: [], extra: sub.args } };
  });
}

/**
 * A wrapper around the QEMU binary for the harness (which always passes `-accel tcg` first):
 * when the line chooses its accelerator itself (-accel, -enable-kvm, -machine accel=), the
 * harness's -accel tcg would win over it (QEMU takes the first that works) or conflict with
 * `-machine accel=`, so the wrapper takes it out. It also runs QEMU niced and makes the
 * stand-in directory (spice sockets).
 */
export function writeQemuWrapper(dir: string, binary: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'qemu-corpus.sh');
  writeFileSync(file, `#!/bin/sh
mkdir -p '${STANDIN_DIR}'
if [ "$1" = "-accel" ] && [ "$2" = "tcg" ]; then
  shift 2; own=0; prev=
  for a in "$@"; do
    case "$a" in -accel|--accel|-enable-kvm|--enable-kvm) own=1 ;; esac
    case "$prev" in -machine|--machine|-M) case "$a" in *accel=*) own=1 ;; esac ;; esac
    prev="$a"
  done
  [ $own = 1 ] || set -- -accel tcg "$@"
fi
exec nice -n 10 '${binary}' "$@"
`);
  chmodSync(file, 0o755);
  return file;
}
