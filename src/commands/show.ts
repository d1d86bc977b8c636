/** `qom-compat show <machine>`: chain of versions, compat entries by version, board objects. */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { EXIT } from '../errors.js';
import type { Definitions } from '../load/loader.js';
import { findMachine, loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';

export interface MachineDetails {
  name: string;
  type: string;
  alias: string | null;
  isDefault: boolean;
  deprecated: boolean;
  chain: string[];
  compatProps: Array<{ driver: string; property: string; value: string; optional: boolean; addedBy: string; group: string | null }>;
  board: { nodefaults: Array<{ path: string | null; type: string; transient: boolean }>; defaults: Array<{ path: string | null; type: string; transient: boolean }> } | null;
  /** Why `board` is null: no board layout (a partial import); resolve refuses the machine. */
  noBoard?: string;
  /** Accelerators other than TCG the board was also probed under (resolve -accel kvm answers with that board). */
  boardAccelerators: string[];
}

export function describeMachine(defs: Definitions, userName: string): MachineDetails {
  const m = findMachine(defs, userName);
  const layout = (nodefaults: boolean) =>
    (defs.machines.boardLayout(m.name, nodefaults)?.objects ?? []).map((o) => ({ path: o.path, type: o.type, transient: o.transient ?? false }));
  return {
    name: m.name,
    type: m.type,
    alias: m.alias,
    isDefault: m.isDefault,
    deprecated: m.deprecated,
    chain: defs.machines.chain(m.name).map((x) => x.name),
    compatProps: defs.machines.compatProps(m.name).map((e) => ({
      driver: e.driver, property: e.property, value: e.value, optional: e.optional, addedBy: e.addedBy, group: e.group ?? null,
    })),
    board: m.board ? { nodefaults: layout(true), defaults: layout(false) } : null,
    ...(m.board ? {} : { noBoard: defs.machines.noBoardReason(m.name) ?? 'no board layout' }),
    boardAccelerators: ['kvm'].filter((a) => defs.machines.hasAccelBoard(m.name, a)),
  };
}

export async function runShow(userName: string, opts: DefinitionOptions & { format: OutputFormat }, io: CliIo): Promise<number> {
  const d = describeMachine(await loadFromOptions(opts), userName);
  if (opts.format === 'json') {
    io.out(toJsonText(d));
    return EXIT.ok;
  }
  const c = io.color;
  const flags = [d.alias ? `alias ${d.alias}` : '', d.isDefault ? 'default' : '', d.deprecated ? c.yellow('deprecated') : ''].filter(Boolean);
  io.out(`${c.bold(d.name)} (${d.type})${flags.length ? ' — ' + flags.join(', ') : ''}\n`);
  io.out(`chain: ${d.chain.join(' → ')}\n`);
  io.out(`\ncompat properties (${d.compatProps.length}, applied in this order; later entries win):\n`);
  let current = '';
  for (const e of d.compatProps) {
    if (e.addedBy !== current) {
      current = e.addedBy;
      const own = current === d.name ? ' (own)' : '';
      io.out(`  ${c.cyan(`added by ${current}${own}`)}${e.group ? c.dim(` [group ${e.group}]`) : ''}\n`);
    }
    io.out(`    ${e.driver}.${e.property}=${e.value}${e.optional ? c.dim(' (optional)') : ''}\n`);
  }
  if (!d.board) io.out(`\n${c.yellow('no board layout')}: ${d.noBoard}; resolve refuses this machine (exit 4)\n`);
  else if (d.boardAccelerators.length) io.out(`\nboard also probed under: ${d.boardAccelerators.join(', ')} (resolve -accel ${d.boardAccelerators[0]} answers with it)\n`);
  if (d.board) {
    for (const variant of ['nodefaults', 'defaults'] as const) {
      const objs = d.board[variant];
      const transient = objs.filter((o) => o.transient).length;
      io.out(`\nboard objects ${variant === 'nodefaults' ? 'with -nodefaults' : 'with defaults'}: ${objs.length - transient}` +
        (transient ? ` (+${transient} created only during start-up)` : '') + '\n');
      if (variant === 'defaults') {
        const nd = new Set(d.board.nodefaults.map((o) => `${o.path}\u0000${o.type}`));
        const extra = objs.filter((o) => !o.transient && !nd.has(`${o.path}\u0000${o.type}`));
        for (const o of extra) io.out(`  + ${o.path ?? '(no path)'}  ${o.type}\n`);
        continue;
      }
      for (const o of objs) if (!o.transient) io.out(`  ${o.path ?? '(no path)'}  ${o.type}\n`);
      const t = [...new Set(objs.filter((o) => o.transient).map((o) => o.type))];
      if (t.length) io.out(c.dim(`  transient: ${t.join(' ')}`) + '\n');
    }
  }
  return EXIT.ok;
}
