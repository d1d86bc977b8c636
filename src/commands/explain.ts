/** `qom-compat explain -M <machine> DRIVER.PROP`: the full story of one property. */
import type { CliIo } from '../cli/io.js';
import { UnknownNameError, UsageError } from '../errors.js';
import type { TypeModel } from '../model/types.js';
import { closestMatches } from '../util/suggest.js';
import { compatModel } from '../resolve/compat-model.js';
import type { ResolvedProperty, ResolveResult, TraceStep, ValueSource } from '../resolve/result.js';
import { toJsonText } from './common.js';
import { describeSource } from './describe-source.js';
import { exitCodeOf, renderMessages, renderNotes, renderValue, resolveCommandLine, type ResolveCliOptions } from './resolve.js';

export interface Explanation {
  machine: string;
  model: string;
  driver: string;
  property: string;
  objects: Array<{
    path: string | null; type: string; transient: boolean;
    hasProperty: boolean;
    default: unknown; value: unknown; source: unknown; steps: TraceStep[];
    /** What the chain configured, when board code or realize changed it. */
    configured?: unknown;
    /** Why the value is only the configured one. */
    configuredOnly?: string;
    notShown?: string;
  }>;
  warnings: string[];
  error: string | null;
}

export function parseTarget(spec: string): { driver: string; property: string } {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0 || dot === spec.length - 1) throw new UsageError(`explain: expected DRIVER.PROP, got '${spec}'`);
  return { driver: spec.slice(0, dot), property: spec.slice(dot + 1) };
}

export function explain(r: ResolveResult, isA: (type: string, driver: string) => boolean, driver: string, property: string): Explanation {
  return {
    machine: r.machine, model: r.model, driver, property,
    objects: r.objects.filter((o) => isA(o.type, driver)).map((o) => {
      const p = o.properties.find((x) => x.name === property);
      return {
        path: o.path, type: o.type, transient: o.transient, hasProperty: !!p,
        default: p?.default ?? null, value: p?.value ?? null, source: p?.source ?? null, steps: p?.trace ?? [],
        ...(p?.configured ? { configured: p.configured } : {}),
        ...(p?.configuredOnly ? { configuredOnly: p.configuredOnly } : {}),
        ...(p?.notShown ? { notShown: p.notShown } : {}),
      };
    }),
    warnings: r.warnings,
    error: r.error,
  };
}

export async function runExplain(target: string, opts: ResolveCliOptions, io: CliIo): Promise<number> {
  const { driver, property } = parseTarget(target);
  const r = await resolveCommandLine(opts, io);
  if ('exit' in r) return r.exit;
  const result = r.result;
  const types = compatModel(result.model, r.defs.types).types;
  checkTarget(types, driver, property);
  // A -device alias (virtio-net) stands for its type, as -global and -device take it.
  const e = explain(result, (t) => types.isA(t, types.deviceType(driver)), driver, property);
  if (opts.format === 'json') {
    io.out(toJsonText({ ...e, commandLine: r.notes }));
    return exitCodeOf(result);
  }
  const c = io.color;
  io.out(`${c.bold(`${driver}.${property}`)} on ${result.machine}  ${c.dim(`model ${result.model}`)}\n`);
  if (e.objects.length === 0) io.out(`no object on this board is, or descends from, '${driver}'\n`);
  for (const o of e.objects) {
    io.out(`\n${c.cyan(o.path ?? (o.transient ? '(transient)' : '(no path)'))}  ${o.type}\n`);
    if (!o.hasProperty) { io.out(`    has no property '${property}' (optional entries skip it; others would fail)\n`); continue; }
    io.out(`    type default: ${renderValue(o.default as never)}\n`);
    for (const s of o.steps) {
      const status = s.status === 'applied' ? c.green(s.status) : s.status === 'failed' ? c.red(s.status) : c.dim(s.status);
      io.out(`    ${s.entry}=${s.text}  ${c.dim(describeSource(s.source))}  ${status}\n`);
    }
    const configured = o.configured as ResolvedProperty['configured'];
    if (configured) {
      io.out(`    configured: ${renderValue(configured.value)}\n`);
      io.out(`    QEMU shows: ${c.bold(renderValue(o.value as never))}  ${c.dim(describeSource(o.source as ValueSource))}\n`);
    } else {
      io.out(`    final: ${c.bold(renderValue(o.value as never))}\n`);
    }
    if (o.configuredOnly) io.out(`    ${c.yellow('configured only:')} ${o.configuredOnly}\n`);
    if (o.notShown) io.out(`    ${c.dim('not shown by QEMU:')} ${o.notShown}\n`);
  }
  if (result.outcome === 'started') renderNotes(r.notes, io);
  renderMessages(result, io, r.prog, types);
  return exitCodeOf(result);
}

/**
 * The target must name a type (or -device alias) and a property that type or
 * one of its concrete subtypes has: otherwise the question has no answer, and
 * a typo gets "did you mean" (exit 2) instead of an empty story.
 */
function checkTarget(types: TypeModel, driver: string, property: string): void {
  const type = types.deviceType(driver);
  if (!types.has(type)) throw new UnknownNameError('type', driver, closestMatches(driver, types.names()));
  if (types.hasProperty(type, property)) return;
  const subtypes = types.concreteSubtypes(type);
  if (subtypes.some((t) => types.hasProperty(t, property))) return;
  const known = new Set([...types.properties(type).keys(), ...subtypes.flatMap((t) => [...types.properties(t).keys()])]);
  throw new UnknownNameError('property', `${driver}.${property}`, closestMatches(property, known).map((n) => `${driver}.${n}`));
}
