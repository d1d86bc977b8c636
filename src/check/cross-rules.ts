/**
 * Rules across the files of one definition set: the architecture they name,
 * machine classes in the type model, and board layouts.
 */
import type { JsonPath } from '../load/json.js';
import type { TypeModel } from '../model/types.js';
import type { MachineGraph } from './machine-graph.js';
import type { RawFinding } from './rules.js';
import { nearNames } from '../util/suggest.js';
import type { BoardsView, LayoutView } from './views.js';

export interface ArchClaim { file: number; name: string; arch: string }

/** Files of one set must agree on the architecture; machines.json (or the first file) is the reference. */
export function archFindings(claims: readonly ArchClaim[]): RawFinding[] {
  const [reference, ...rest] = claims;
  if (!reference) return [];
  return rest.filter((c) => c.arch !== reference.arch).map((c) => ({
    rule: 'arch-mismatch' as const, file: c.file, path: ['arch'],
    message: `${c.name} is for "${c.arch}", but ${reference.name} beside it is for "${reference.arch}"`,
  }));
}

export function machineTypeFindings(graph: MachineGraph, model: TypeModel, file: number): RawFinding[] {
  const out: RawFinding[] = [];
  for (const m of graph.view.machines) {
    if (m.type === undefined) continue;
    const path: JsonPath = [...m.path, 'type'];
    if (!model.has(m.type)) {
      const close = nearNames(m.type, model.names());
      out.push({
        rule: close.length ? 'machine-type-typo' : 'machine-type-unknown', file, path,
        message: `machine "${m.name ?? '?'}" has type "${m.type}", which types.json does not have`,
        hint: close.length ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : 'add the machine class to types.json',
      });
    } else if (model.has('machine') && !model.isA(m.type, 'machine')) {
      out.push({ rule: 'machine-type-unknown', file, path, message: `machine "${m.name ?? '?'}" has type "${m.type}", which is not a machine class` });
    }
  }
  return out;
}

/** Board layout ids: unique in boards.json, and every machine's layout present. */
export function boardFindings(view: BoardsView, boardsFile: number, graph: MachineGraph | undefined, machinesFile: number,
  model: TypeModel | undefined): RawFinding[] {
  const out: RawFinding[] = [];
  const layouts = view.layouts;
  for (const r of view.observedRefs) {
    if (view.observedIds.has(r.id)) continue;
    out.push({ rule: 'board-observed-unknown', file: boardsFile, path: r.path, message: `observed record "${r.id}" does not exist in boards.json` });
  }
  const ids = new Map<string, LayoutView>();
  for (const l of layouts) {
    const first = ids.get(l.id);
    if (first) {
      out.push({
        rule: 'board-layout-duplicate', file: boardsFile, path: [...l.path, 'id'],
        message: (lineOf) => `board layout "${l.id}" is defined twice (first on line ${lineOf([...first.path, 'id'])})`,
      });
    } else {
      ids.set(l.id, l);
    }
    if (!model) continue;
    for (const o of l.objects) {
      if (model.has(o.type)) continue;
      const close = nearNames(o.type, model.names());
      out.push({
        rule: 'board-object-type-unknown', file: boardsFile, path: o.path,
        message: `board layout "${l.id}" has an object of type "${o.type}", which types.json does not have`,
        ...(close.length ? { hint: `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` } : {}),
      });
    }
  }
  for (const m of graph?.view.machines ?? []) {
    // A partial import left this machine without a board: resolve refuses it, show lists no board objects.
    if (view.machinesCovered !== undefined && m.board.defaults === undefined && m.board.nodefaults === undefined) {
      out.push({
        rule: 'board-layout-missing', file: machinesFile, path: [...m.path, 'name'],
        message: `machine "${m.name ?? '?'}" has no board layout: this set comes from a partial import (--machines '${view.machinesCovered}'); resolve refuses it`,
        hint: `import again with a --machines that matches "${m.name ?? '?'}"`,
      });
    }
    for (const key of ['defaults', 'nodefaults'] as const) {
      const id = m.board[key];
      if (id === undefined || ids.has(id)) continue;
      out.push({
        rule: 'board-layout-unknown', file: machinesFile, path: [...m.path, 'board', key],
        message: `machine "${m.name ?? '?'}" uses board layout "${id}" (${key === 'defaults' ? 'with' : 'without'} default devices), which boards.json does not have`,
      });
    }
  }
  return out;
}
