/**
 * Issue #9 item 4: every corpus command line that QEMU 10.0.2 can start here (test/fixtures/cmdlines,
 * rewritten for this host by test/support/host-resources.ts; what was substituted per file, and why a
 * line cannot start, is in test/fixtures/cmdlines/substitutions.json) compared with QEMU: outcome, exit
 * status, the error and warnings (exact, in order) and every property value QEMU shows on every object.
 *
 * QEMU's answers are replayed from test/fixtures/cmdlines/qemu-10.0.2.json.gz (recorded by
 * tools/record-corpus-fixtures.mjs, lines that choose KVM under KVM), so this runs in CI without QEMU;
 * test/live/corpus-values.live.test.ts re-runs a sample on the real binary to catch a stale fixture.
 * The harness's runQemu and compare() run unchanged on the recorded answers, with its documented
 * exceptions (SHOWN_EXCEPTIONS, REALIZE_TIME_CHANGES, configured-only values, its KNOWN_GAPS).
 *
 * Every other disagreement must be of a class CORPUS_GAPS lists (what resolve does not model yet,
 * with QEMU's reason): a new disagreement fails, and so does a listed class that no longer occurs
 * (the list cannot go stale; remove the entry when the model learns it).
 * QOM_COMPAT_CORPUS_REPORT=FILE writes every disagreement, listed or not, to FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { QomCompatError } from '../../src/errors.js';
import { compare, expectations, resolveScenario, summarize, type Comparison } from '../support/differential.js';
import { corpusLines, FIXTURE_FILE, recordedHost, SUBSTITUTIONS_FILE, type CorpusLine } from '../support/corpus-lines.js';
import { hasRecording, readFixture, replayQemu, scenarioKey } from '../support/recorded-qemu.js';

const defs = await loadDefinitionsFromDisk();
const lines = corpusLines(recordedHost());
const startable = lines.filter((l) => l.startable);
const fixture = readFixture(FIXTURE_FILE);

interface CorpusGap {
  /** The cause, as the report groups it. */
  cause: string;
  /** `model`: resolve does not model it yet; `host`: this host's KVM decides it, no static tool can know. */
  kind: 'model' | 'host';
  /** QEMU's side: what it does that resolve does not model (QEMU source). */
  reason: string;
  applies: (line: CorpusLine, mismatch: string, qemu: QemuSide) => boolean;
}

/** What QEMU said for the line: its fatal error, and how it ended when it did not start. */
interface QemuSide { error: string | null; signal: string | null; warnings: readonly string[] }

/** `value PATH (TYPE) PROP: …` with TYPE and PROP matching. */
const value = (types: RegExp, props: RegExp = /./) => (m: string): boolean => {
  const v = /^value \S+ \((\S+)\) (\S+): /.exec(m);
  return v !== null && types.test(v[1]!) && props.test(v[2]!);
};
const machineArg = (l: CorpusLine, re: RegExp): boolean =>
  l.args.some((a, i) => i > 0 && (l.args[i - 1] === '-machine' || l.args[i - 1] === '-M') && re.test(a));
const message = (m: string): boolean => /^(outcome|exit status|error|warnings):/.test(m);
const boardObject = (m: string): boolean => /^(object|value) \/machine\/unattached\//.test(m);

/**
 * What resolve does not model yet (or cannot know), grouped by cause; the test prints each one's
 * count. Keep each one as narrow as the class it names; remove it when the model learns it.
 */
export const CORPUS_GAPS: readonly CorpusGap[] = [
  {
    cause: 'KVM: QEMU\'s refusals and warnings come from this host\'s KVM', kind: 'host',
    // target/i386/kvm/kvm.c: this host is a nested KVM guest; MSR writes (0x10a IA32_ARCH_CAPABILITIES,
    // 0x40000021) fail and kvm_buf_set_msrs asserts; x86_cpu_filter_features: "Host doesn't support requested
    // features" (enforce), "host doesn't support requested feature: CPUID.01H:ECX.pni"; kvm_arch_init_vcpu:
    // HyperV VP_INDEX; accel/kvm: "Number of SMP cpus requested (N) exceeds the recommended cpus supported by KVM (2)".
    reason: 'under KVM the outcome and messages depend on the host CPU and kernel; resolve models TCG and cannot know them',
    applies: (l, m) => l.kvm && message(m),
  },
  {
    cause: 'QEMU did not answer QMP within 60 s here', kind: 'host',
    // The harness kills a QEMU that does not greet within 60 s; memory-hotplug-hugepages preallocates its
    // backends on this loaded 2-core machine.
    reason: 'the recording machine was too slow for the line; not a property of QEMU',
    applies: (_l, m, q) => q.signal === 'SIGKILL' && message(m),
  },
  {
    cause: 'KVM: in-kernel irqchip, KVM CPU defaults and host CPUID', kind: 'model',
    // hw/i386/x86-cpu.c / kvm: kvm-apic, kvm-ioapic, kvm-i8259, kvm-pit, kvmclock in place of the TCG devices;
    // target/i386/kvm/kvm-cpu.c kvm_default_props (kvmclock, kvm-pv-eoi, kvm-asyncpf, x2apic, …), tsc-frequency
    // and the features the host filters. The board layouts were probed under TCG (README: "-accel kvm … says
    // that the board is TCG's").
    reason: 'under KVM QEMU creates other board objects and CPU defaults; the definitions hold TCG boards',
    applies: (l, m) => l.kvm && !message(m),
  },
  {
    cause: '-numa forms not modelled (hmat-lb, hmat-cache, initiator=, mem=, cpu)', kind: 'model',
    // hw/core/numa.c: the forms parse/numa.ts does not take are listed as not modelled; their nodes then
    // apply nowhere: CPUs keep node-id -1 and the machine's RAM stays the -m backend.
    reason: 'resolve lists these -numa options as not modelled, so none of the line\'s -numa nodes apply',
    applies: (l, m) => l.args.some((a) => /^(hmat-lb|hmat-cache|cpu)\b|(^|,)(initiator|mem)=/.test(a)) && l.args.includes('-numa') && (value(/-x86_64-cpu$/, /^node-id$/)(m)
      || /^object \/objects\/pc\.ram \(memory-backend-ram\): resolve has it/.test(m) || value(/pcihost$/, /^ram-mem$/)(m)),
  },
  {
    cause: 'TCG feature filtering at realize', kind: 'model',
    // target/i386/cpu.c x86_cpu_filter_features: TCG clears the features it lacks, warns for each, and with
    // enforce refuses ("TCG doesn't support requested features"); the same class as test/unit/rfc-builds.test.ts.
    reason: 'resolve does not model which CPUID features TCG filters at realize',
    applies: (l, m, q) => !l.kvm && ((message(m) && (/TCG doesn't support requested feature/.test(m) || /TCG doesn't support requested features/.test(q.error ?? '')))
      || (value(/-x86_64-cpu$/)(m) && / resolve true, QEMU false$/.test(m) && q.warnings.some((w) => /^TCG doesn't support requested feature/.test(w)))),
  },
  {
    cause: 'a machine type of another QEMU build (RHEL)', kind: 'model',
    reason: 'QEMU says "unsupported machine type" (exit 1); resolve refuses an unknown name as its own usage error (exit 2), by design',
    applies: (_l, m) => /^exit status: resolve 2 \(unknown machine /.test(m),
  },
  {
    cause: 'devices with no lone record (they need a backend to start alone)', kind: 'model',
    // The importer reads a lone -device of every type; these need an audiodev, fsdev, chardev, cryptodev,
    // memdev or a bus the lone probe did not give them, so their realized values (and ids, links) are unknown.
    reason: 'resolve has no values for sound devices and codecs, virtio-9p, virtio-crypto, virtio-sound, usb-redir, ccid-card-passthru, pxb, rng-egd',
    applies: (_l, m) => value(NO_RECORD)(m) && /: resolve (null|has no such property), QEMU /.test(m) || value(/^rng-egd$/, /^opened$/)(m),
  },
  {
    cause: 'default devices of -serial/-parallel/-vga/-net/-nic/-usb/-drive if=/-audio not modelled', kind: 'model',
    // system/vl.c and hw/i386/pc.c create these devices on the board (isa-serial, VGA, a NIC, USB controllers,
    // IDE/floppy drives, pcspk's audiodev) in board order, so later board devices are renumbered too.
    reason: 'resolve lists these options as not modelled: their devices, and the renumbering of board devices after them, are missing',
    applies: (l, m) => l.args.some((a) => LEGACY_DEVICE_OPTION.test(a)) && (boardObject(m) || /^object \/machine\/peripheral-anon\//.test(m))
      || value(/^isa-pcspk$/, /^audiodev$/)(m),
  },
  {
    cause: 'pxb/pxb-pcie: the expander bus\'s host bridge', kind: 'model',
    // hw/pci-bridge/pci_expander_bridge.c pxb_dev_realize creates a pxb-host (and pxb-pcie-host) on sysbus,
    // numbered among the board devices (the harness's KNOWN_GAPS class for a lone device).
    reason: 'objects a device realize creates outside its instance_init children are not recorded; later board devices are renumbered',
    applies: (l, m) => l.args.some((a) => /"driver":"pxb(-pcie)?"|^pxb(-pcie)?,/.test(a))
      && (boardObject(m) || value(/./, /^(parent_bus|legacy-addr|busnr)$/)(m)),
  },
  {
    cause: 'pflash devices of -drive if=pflash / -machine pflash0=', kind: 'model',
    // hw/i386/pc_sysfw.c pc_system_flash_create/map: /machine/system.flash0 and flash1 (cfi.pflash01) exist
    // when firmware is given as pflash.
    reason: 'resolve does not create the board\'s pflash devices',
    applies: (_l, m) => /^object \/machine\/system\.flash[01]: QEMU has it, resolve does not$/.test(m),
  },
  {
    cause: 'hotpluggable behind a PCI expander bridge', kind: 'model',
    // hw/core/qdev.c device_get_hotpluggable: false when the parent bus has no hotplug handler. The buses of
    // devices are recorded with their handler (boards.json devices[].buses), but pxb/pxb-pcie have no lone
    // record (see above), so the buses behind them, and the ports and devices there, are not known.
    reason: 'resolve gives a device behind a pxb/pxb-pcie the hotpluggable of a bus with a hotplug handler',
    applies: (l, m) => l.args.some((a) => /"driver":"pxb(-pcie)?"|^pxb(-pcie)?,/.test(a)) && / hotpluggable: resolve true, QEMU false$/.test(m),
  },
  {
    cause: 'thread-context thread-id: a host thread', kind: 'host',
    reason: 'the id of the thread QEMU started for the context, different every run',
    applies: (_l, m) => value(/^thread-context$/, /^thread-id$/)(m),
  },
  {
    cause: 'Hyper-V enlightenments implied by others', kind: 'model',
    // target/i386/kvm/kvm.c / cpu.c: hv-avic turns on hv-apicv (an alias), and hv-* dependencies.
    reason: 'resolve sets only the hv-* features the line names',
    applies: (_l, m) => value(/-x86_64-cpu$/, /^hv-/)(m),
  },
  {
    cause: 'VGA edid=off: xres/yres stay 0', kind: 'model',
    // hw/display/vga-pci.c: qemu_edid_generate runs only with edid on; with edid=off xres/yres stay 0.
    reason: 'resolve applies the EDID default resolution (1280x800) even with edid=off',
    applies: (l, m) => value(/^VGA$/, /^(xres|yres)$/)(m) && l.args.some((a) => /(^|,)edid=off(,|$)/.test(a)),
  },
];

const NO_RECORD = /^(pxb)$/;
const LEGACY_DEVICE_OPTION = /^-(serial|parallel|vga|net|nic|usb|usbdevice|soundhw|audio|drive|cdrom|hd[a-d]|fd[ab])$/;

/** One disagreement; `gap` the CORPUS_GAPS class, `harness` the harness's own KNOWN_GAPS reason. */
interface Classified { file: string; mismatch: string; gap?: CorpusGap; harness?: string }
const results: Array<{ file: string; c: Comparison }> = [];
const classified: Classified[] = [];

afterAll(() => {
  if (!results.length) return;
  const s = summarize(results.map((r) => r.c));
  const pct = (100 * s.valuesAgree / Math.max(1, s.values)).toFixed(2);
  const listed = classified.filter((c) => c.gap).length;
  process.stdout.write(`\ncorpus vs QEMU 10.0.2 (replayed): ${s.scenarios} lines, ${s.agree} agree; ${s.values} values compared, ${s.valuesAgree} equal (${pct}%); `
    + `${s.documented} documented, ${s.configuredOnly} configured-only; ${listed} listed disagreements in ${new Set(classified.filter((c) => c.gap).map((c) => c.file)).size} lines\n`);
  for (const g of CORPUS_GAPS) {
    const hits = classified.filter((c) => c.gap === g);
    process.stdout.write(`  ${g.cause}: ${hits.length} disagreements in ${new Set(hits.map((h) => h.file)).size} lines\n`);
  }
  const out = process.env.QOM_COMPAT_CORPUS_REPORT;
  // Values resolve gives as configured only, and documented host-specific ones, too: what keeps the figure below 100 %.
  const marked = results.flatMap((r) => [
    ...r.c.configuredOnly.map((d) => ({ file: r.file, mismatch: `value ${d.object} ${d.property}: resolve ${d.resolved}, QEMU ${d.qemu}`, cause: `configured only: ${d.reason}` })),
    ...r.c.documented.map((d) => ({ file: r.file, mismatch: `value ${d.object} ${d.property}: resolve ${d.resolved}, QEMU ${d.qemu}`, cause: `documented: ${d.reason}` })),
  ]);
  if (out) writeFileSync(out, JSON.stringify([...classified.map((c) => ({ file: c.file, mismatch: c.mismatch, cause: c.gap?.cause ?? c.harness ?? null })), ...marked], null, 1));
});

describe('corpus lines against QEMU 10.0.2 (recorded)', () => {
  it('the substitution record is the substitution: test/fixtures/cmdlines/substitutions.json is current', () => {
    const record = JSON.parse(readFileSync(SUBSTITUTIONS_FILE, 'utf8')) as { files: Record<string, unknown> };
    const now = Object.fromEntries(lines.map((l) => [l.file, {
      startable: l.startable, ...(l.skip ? { skip: l.skip } : {}), ...(l.kvm ? { kvm: true } : {}),
      substitutions: l.substitutions.map((s) => ({ option: `-${s.option}`, from: s.from, to: s.to, why: s.why })),
    }]));
    expect(now).toEqual(record.files);
  });

  it('records every line that can start here, and nothing else', () => {
    expect(startable.filter((l) => !hasRecording(fixture, l.scenario)).map((l) => l.file)).toEqual([]);
    // Lines that differ only in what was substituted share one recording.
    expect(Object.keys(fixture.scenarios).length).toBe(new Set(startable.map((l) => scenarioKey(l.scenario))).size);
    // Most of the corpus runs: a substitution rule that stops working shows here first.
    expect(startable.length).toBeGreaterThanOrEqual(250);
  });

  it('outcome, exit status, messages and every value agree with QEMU, or the disagreement is listed', async () => {
    for (const l of startable) {
      let resolved;
      try {
        resolved = resolveScenario(defs, l.scenario);
      } catch (e) {
        // The tool's own refusal (exit 2: a machine type the definitions lack), where QEMU answers for itself.
        if (!(e instanceof QomCompatError)) throw e;
        const observed = await replayQemu(fixture, l.scenario, [], defs.types);
        const m = `exit status: resolve 2 (${e.message}), QEMU ${observed.started ? 0 : observed.result.code} (${observed.error})`;
        const gap = CORPUS_GAPS.find((g) => g.applies(l, m, { error: observed.error, signal: observed.result.signal, warnings: observed.warnings }));
        classified.push({ file: l.file, mismatch: m, ...(gap ? { gap } : {}) });
        continue;
      }
      const expected = resolved.outcome === 'started' ? expectations(resolved, defs.types) : [];
      if (!hasRecording(fixture, l.scenario)) { classified.push({ file: l.file, mismatch: 'not recorded (re-record: tools/record-corpus-fixtures.mjs)' }); continue; }
      const observed = await replayQemu(fixture, l.scenario, expected.flatMap((e) => (e.path === null ? [] : [e.path])), defs.types);
      const c = compare(l.scenario, resolved, observed, defs.types, expected);
      // resolve's exit status is 1 for a refusal, 0 otherwise; QEMU's must be the same.
      const exit = observed.started ? 0 : observed.result.code;
      if (exit !== (resolved.outcome === 'started' ? 0 : 1)) c.mismatches.push(`exit status: resolve ${resolved.outcome === 'started' ? 0 : 1}, QEMU ${exit}`);
      results.push({ file: l.file, c });
      for (const g of c.gaps) classified.push({ file: l.file, mismatch: g.mismatch, harness: g.reason });
      for (const m of c.mismatches) {
        const gap = CORPUS_GAPS.find((g) => g.applies(l, m, { error: observed.error, signal: observed.result.signal, warnings: observed.warnings }));
        classified.push({ file: l.file, mismatch: m, ...(gap ? { gap } : {}) });
      }
    }
    const open = classified.filter((c) => !c.gap && !c.harness);
    expect(open.map((c) => `${c.file}: ${c.mismatch}`)).toEqual([]);
    expect(CORPUS_GAPS.filter((g) => !classified.some((c) => c.gap === g)).map((g) => g.cause)).toEqual([]);
    expect(results.filter((r) => r.c.observed.started).length).toBeGreaterThanOrEqual(200);
  }, 600_000); // ~65 s here: 255 whole lines resolved and 532,309 values compared
});
