/**
 * One error prefix and "did you mean" everywhere a name is unknown (issue #12
 * item 4): the tool's own errors, commander's included, start `qom-compat: `;
 * QEMU's refusals and warnings are printed exactly as QEMU prints them
 * (`qemu-system-x86_64: …`, or the pasted line's program name), with the
 * tool's suggestion on a line of its own.
 */
import { describe, expect, it } from '@jest/globals';
import { commanderMessage } from '../../src/cli/messages.js';
import { runCli } from '../support/cli.js';

describe('one prefix for the tool\'s own errors', () => {
  it.each([
    [['frob'], "qom-compat: unknown command 'frob'\n"],
    [['lst'], "qom-compat: unknown command 'lst'; did you mean 'list'?\n"],
    [['list', '--fromat', 'json'], "qom-compat: unknown option '--fromat'; did you mean '--format'?\n"],
    [['list', '--format', 'jsno'], "qom-compat: option '--format <format>': unknown value 'jsno'; did you mean 'json'? (choices: text, json)\n"],
    [['check', '--format', 'gihub'], "qom-compat: option '--format <format>': unknown value 'gihub'; did you mean 'github'? (choices: text, json, github)\n"],
    [['resolve', '--model', 'qdv', '-M', 'q35'], "qom-compat: option '--model <model>': unknown value 'qdv'; did you mean 'qdev'? (choices: qdev, object-compat)\n"],
    [['show'], "qom-compat: missing required argument 'machine'\n"],
    [['list', '--arch', 'x86'], "qom-compat: unknown architecture 'x86'; did you mean 'x86_64'?\n"],
    [['resolve', '--arch', 'x86_46', '-M', 'q35'], "qom-compat: unknown architecture 'x86_46'; did you mean 'x86_64'?\n"],
    [['check', '--ignore', 'compat-nop'], "qom-compat: unknown rule 'compat-nop'; did you mean 'compat-noop'?\n"],
    [['compare', '--all', '--driver', 'virtio-nett-pci'], "qom-compat: unknown driver 'virtio-nett-pci'; did you mean 'virtio-net-pci', 'virtio-input-pci', 'virtio-mem-pci'?\n"],
    [['rfc-impact', '--machine', 'pc-q35-9.9'], "qom-compat: unknown machine 'pc-q35-9.9'; did you mean 'pc-q35-9.0', 'pc-q35-9.1', 'pc-q35-9.2'?\n"],
    [['diff', 'q35-9.9', 'q35'], "qom-compat: unknown machine 'q35-9.9'; did you mean 'pc-q35-9.0', 'pc-q35-9.1', 'pc-q35-9.2'?\n"],
  ])('%j', async (argv, stderr) => {
    const r = await runCli(argv);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr });
  });

  it('commander\'s wording is rewritten, not lost', () => {
    expect(commanderMessage("error: option '--driver <glob>' argument missing\n")).toBe("qom-compat: option '--driver <glob>' argument missing\n");
    expect(commanderMessage("error: option '--x <x>' argument 'zzzzzz' is invalid. Allowed choices are a, b.\n"))
      .toBe("qom-compat: option '--x <x>': unknown value 'zzzzzz' (choices: a, b)\n");
  });
});

describe('QEMU\'s messages as QEMU prints them, with the tool\'s suggestion after', () => {
  it.each([
    [['-device', 'virtio-net-pcii'], "qemu-system-x86_64: -device virtio-net-pcii: 'virtio-net-pcii' is not a valid device model name\nqom-compat: did you mean 'virtio-net-pci'", 1],
    [['-global', 'virtio-net-pci.vector=3'], "qemu-system-x86_64: can't apply global virtio-net-pci.vector=3: Property 'virtio-net-pci.vector' not found\nqom-compat: did you mean 'virtio-net-pci.vectors'?\n", 1],
    [['-device', 'virtio-net,vectrs=3'], "Property 'virtio-net-pci.vectrs' not found\nqom-compat: did you mean 'virtio-net-pci.vectors'?\n", 1],
    [['-cpu', 'qemu65'], "qemu-system-x86_64: unable to find CPU model 'qemu65'\nqom-compat: did you mean 'qemu64'", 1],
    [['-accel', 'kmv'], "qemu-system-x86_64: -accel kmv: invalid accelerator kmv\nqom-compat: did you mean 'kvm'?\n", 1],
    [['-object', 'memory-backend-rma,id=m,size=1M'], "does not accept value 'memory-backend-rma'\nqom-compat: did you mean 'memory-backend-ram'", 1],
    [['-global', 'virtio-net-pcii.vectors=3'], "qemu-system-x86_64: warning: global virtio-net-pcii.vectors has invalid class name\nqom-compat: did you mean 'virtio-net-pci'", 0],
    // QEMU's located warning keeps its location before "warning:", exactly as QEMU 10.0.2 prints it.
    [['-global', 'a.b'], "qemu-system-x86_64: -global a.b: warning: short-form boolean option 'a.b' deprecated\nPlease use a.b=on instead\nqemu-system-x86_64: -global a.b: Invalid parameter 'a.b'\n", 1],
  ])('resolve -M q35 %j', async (args, stderr, code) => {
    const r = await runCli(['resolve', '-M', 'q35', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(stderr);
  });

  it('the prefix is the pasted line\'s program, as QEMU takes it from argv[0]', async () => {
    const r = await runCli(['resolve', '/usr/bin/kvm', '-M', 'q35', '-foo']);
    expect(r).toMatchObject({ code: 1, stderr: 'kvm: -foo: invalid option\n' });
  });
});
