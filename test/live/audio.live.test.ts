/**
 * Sound devices against QEMU 10.0.2: with audiodev= they take that backend;
 * without it they take QEMU's default audio backend ("#default"), which
 * exists unless -nodefaults or an -audiodev turned it off, and QEMU refuses
 * them then (with a hint naming the first -audiodev). Every value QEMU shows
 * on every object is compared (test/support/differential.ts).
 */
import { loadDefinitionsFromDisk } from '../../src/load/fs.js';
import { lineSuite, type LineCase } from '../support/line-cases.js';

const defs = await loadDefinitionsFromDisk();

const CARDS: ReadonlyArray<readonly string[]> = [
  ['-device', 'AC97'], ['-device', 'ES1370'], ['-device', 'sb16'], ['-device', 'virtio-sound-pci'],
  ['-device', 'ich9-intel-hda', '-device', 'hda-duplex'], ['-device', 'intel-hda', '-device', 'hda-output'],
  ['-device', 'qemu-xhci', '-device', 'usb-audio'],
];
const withBackend = (card: readonly string[]) => card.map((w, i) => (i === card.length - 1 ? `${w},audiodev=snd0` : w));

const CASES: LineCase[] = [
  ...CARDS.map((card): LineCase => ({ machine: 'pc-q35-10.0', line: ['-audiodev', 'none,id=snd0', ...withBackend(card)] })),
  ...CARDS.map((card): LineCase => ({ machine: 'pc-i440fx-10.0', nodefaults: false, line: [...card] })),
  ...CARDS.slice(0, 3).map((card): LineCase => ({ machine: 'pc-q35-10.0', line: [...card] })),
  { machine: 'pc-q35-10.0', nodefaults: false, line: ['-audiodev', 'none,id=snd0', '-audiodev', 'none,id=snd1', '-device', 'AC97'] },
  { machine: 'pc-q35-10.0', nodefaults: false, line: ['-audiodev', 'none,id=snd0', '-device', 'AC97,audiodev=snd0', '-device', 'ES1370'] },
];

lineSuite(defs, {
  title: 'sound devices agree with QEMU 10.0.2',
  test: 'audiodev=, the default audio backend, and the refusal without one',
  category: 'audio', label: 'audio', cases: CASES, atLeast: { refused: 5, started: 14 }, timeoutMs: 300_000,
});
