/**
 * `qom-compat rfc-impact [QEMU line]`: what merging the OBJECT_COMPAT RFC
 * would change, for every machine type: the same configuration (the board by
 * default) resolved under QEMU 10.0.2's model and under the RFC's, every
 * object, value and message that differs, with the patch responsible.
 * Markdown output is meant for a reply on the review thread.
 */
import type { CliIo, OutputFormat } from '../cli/io.js';
import { abiCheck, findingCount } from '../compare/abi-check.js';
import { rfcReason } from '../compare/rfc-reasons.js';
import { EXIT } from '../errors.js';
import type { OptionTable } from '../parse/option-table.js';
import { groups, lineSelection, renderReport } from './abi-check.js';
import { loadFromOptions, toJsonText, type DefinitionOptions } from './common.js';

export interface RfcImpactOptions extends DefinitionOptions {
  machine: string[];
  format: OutputFormat | 'markdown';
  qemu: string[];
  table: OptionTable;
  argsFile?: string;
}

export async function runRfcImpact(opts: RfcImpactOptions, io: CliIo): Promise<number> {
  const defs = await loadFromOptions(opts);
  const selection = lineSelection(opts, defs, io);
  if ('exit' in selection) return selection.exit;
  const { wanted, config } = selection;
  const label = config.label;
  const report = abiCheck({ defs, model: 'qdev' }, { defs, model: 'object-compat' }, wanted.length ? wanted : undefined, [config]);
  const gs = groups(report, 'QEMU 10.0.2 (qdev)', 'the RFC (object-compat)', (g, type) => rfcReason(defs.types, g.kind, g.what, type));
  const affected = report.findings.filter((f) => findingCount(f) > 0).length;
  if (opts.format === 'json') {
    io.out(toJsonText({ qemuVersion: defs.qemuVersion, configuration: label, machines: report.machines, affected, groups: gs.map((g) => ({ ...g, paths: [...g.paths] })), findings: report.findings }));
  } else {
    const title = `What the OBJECT_COMPAT RFC changes on QEMU ${defs.qemuVersion ?? '?'}${label ? ` for \`${label}\`` : ' (the board alone)'}: ${affected} of ${report.machines.length} machine types`;
    io.out(renderReport(report, title, [], [], opts.format === 'markdown', gs, { from: 'QEMU 10.0.2', to: 'the RFC' }));
  }
  return EXIT.ok;
}
