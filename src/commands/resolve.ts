/** `qom-compat resolve` and `qom-compat explain`: option handling and rendering. */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { EXIT } from '../errors.js';
import { shownText, type ShownValue } from '../resolve/shown.js';
import { resolve, type CommandLineOption, type ResolveRequest } from '../resolve/resolve.js';
import type { CompatModelName, ResolvedObject, ResolvedProperty, ResolveResult } from '../resolve/result.js';
import { loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';
import { describeSource } from './describe-source.js';

export interface ResolveCliOptions extends DefinitionOptions {
  machine?: string;
  accel?: string;
  cpu?: string;
  nodefaults?: boolean;
  /** -global/-device/-object in command-line order (cli/main.ts keeps the order). */
  ordered: CommandLineOption[];
  model: CompatModelName;
  format: OutputFormat;
  all?: boolean;
}

export function toRequest(opts: ResolveCliOptions, defaultMachine: string | undefined): ResolveRequest {
  return {
    machine: opts.machine ?? defaultMachine ?? 'pc',
    ...(opts.accel ? { accel: opts.accel } : {}),
    ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
    nodefaults: !!opts.nodefaults,
    options: opts.ordered,
    model: opts.model,
  };
}

/** 0 when QEMU would start, 1 when it would refuse. */
export function exitCodeOf(r: ResolveResult): number {
  return r.outcome === 'started' ? EXIT.ok : EXIT.refused;
}

export async function runResolve(opts: ResolveCliOptions, io: CliIo): Promise<number> {
  const defs = await loadFromOptions(opts);
  const result = resolve(defs, toRequest(opts, defs.machines.defaultMachine?.name));
  if (opts.format === 'json') io.out(toJsonText(resolveJson(result)));
  else renderText(result, !!opts.all, io);
  return exitCodeOf(result);
}

/** The `--format json` document: every property of every object. */
export function resolveJson(r: ResolveResult): unknown {
  return {
    machine: r.machine,
    model: r.model,
    objects: r.objects.map((o) => ({
      path: o.path,
      type: o.type,
      ...(o.transient ? { transient: true } : {}),
      properties: Object.fromEntries(o.properties.map((p) => [p.name, {
        value: p.value,
        source: p.source,
        ...(p.configured ? { configured: p.configured } : {}),
        ...(p.configuredOnly ? { configuredOnly: p.configuredOnly } : {}),
        ...(p.instance ? { instance: true } : {}),
        ...(p.volatile ? { volatile: true } : {}),
      }])),
    })),
    warnings: r.warnings,
    error: r.error,
  };
}

function renderText(r: ResolveResult, all: boolean, io: CliIo): void {
  const c = io.color;
  io.out(`${c.bold(r.machine)}  ${c.dim(`model ${r.model}`)}\n`);
  if (r.outcome === 'started') {
    for (const block of objectBlocks(r.objects, all, io)) io.out(block);
  }
  renderMessages(r, io);
}

/**
 * One block per object; consecutive transient objects whose lines are the
 * same (the NIC model probes) share one block so the tree stays readable.
 */
function objectBlocks(objects: readonly ResolvedObject[], all: boolean, io: CliIo): string[] {
  const c = io.color;
  const blocks: string[] = [];
  let pending: { types: string[]; body: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const head = pending.types.length > 1 ? `${pending.types.join(', ')} (${pending.types.length} objects)` : pending.types[0]!;
    blocks.push(`${c.cyan('(transient)')}  ${head}\n${pending.body}`);
    pending = undefined;
  };
  for (const o of objects) {
    // Without --all: what the chain changed from the type default, and what the tool can only partly answer.
    const props = all ? o.properties : o.properties.filter(changedByChain);
    if (!all && props.length === 0) continue;
    const body = props.map((p) => `    ${propertyLine(p, c)}\n`).join('');
    if (o.transient && !all) {
      if (pending && pending.body === body) { pending.types.push(o.type); continue; }
      flush();
      pending = { types: [o.type], body };
      continue;
    }
    flush();
    blocks.push(`${c.cyan(objectLabel(o))}  ${o.type}\n${body}`);
  }
  flush();
  return blocks;
}

/** Whether compat, sugar, a -global or an option set the property (or the tool can only partly answer for it). */
function changedByChain(p: ResolvedProperty): boolean {
  if (p.configuredOnly) return true;
  const chain = p.configured?.source ?? p.source;
  return chain.kind !== 'default' && chain.kind !== 'board';
}

/** `name = value  ← why`, with what the chain configured when QEMU shows something else. */
export function propertyLine(p: ResolvedProperty, c: CliIo['color']): string {
  let why = describeSource(p.source);
  if (p.configured) why += `; configured ${renderValue(p.configured.value)} ← ${describeSource(p.configured.source)}`;
  const line = `${p.name} = ${renderValue(p.value, p.volatile)}  ${c.dim('← ' + why)}`;
  return p.configuredOnly ? `${line}\n      ${c.yellow('configured only:')} ${p.configuredOnly}` : line;
}

export function renderMessages(r: ResolveResult, io: CliIo): void {
  const c = io.color;
  for (const w of r.warnings) io.err(`${c.yellow('warning:')} ${w}\n`);
  if (r.error) {
    const label = r.outcome === 'definition-error' ? 'definition error (QEMU would abort):' : 'error:';
    io.err(`${c.red(label)} ${r.error}\n`);
  }
}

function objectLabel(o: ResolvedObject): string {
  if (o.path) return o.path;
  if (o.transient) return '(transient)';
  return o.origin === 'accel' ? '(accelerator)' : '(no path)';
}

export function renderValue(v: ShownValue | null, volatile = false): string {
  if (volatile) return '(computed when read: host clock)';
  if (v === null) return '(unknown)';
  return typeof v === 'string' ? JSON.stringify(v) : shownText(v);
}
