/**
 * Rewrites a corpus command line (test/fixtures/cmdlines) so that QEMU 10.0.2
 * can start it on this machine, which lacks the host's resources: disk images,
 * file descriptors passed by libvirt, sockets, tap devices, hugepages, TLS
 * certificates, host devices. The SAME rewritten line goes to QEMU and to
 * resolve (test/corpus/values.test.ts), so the comparison is like for like.
 *
 * Each rule replaces a host resource by the nearest thing that exists
 * everywhere and keeps what QOM shows: the ids that devices' link properties
 * name (node-name, chardev id, netdev id, memory backend id and size), so the
 * objects and their properties stay those of the original line. Every change is
 * returned as a Substitution (option, before, after, why); the record test
 * (test/fixtures/cmdlines/substitutions.json) lists them per file.
 *
 * A line whose point is a resource that cannot be replaced (a host PCI device
 * through VFIO, a TPM, SEV/TDX/SGX hardware, vhost-user backends, a host's
 * -readconfig file) is not startable here: `startable: false` with the reason.
 *
 * Pure: what exists on the host comes in through HostView.
 */
import { dialectOf } from '../../src/parse/dialects.js';
import type { OptionTable } from '../../src/parse/option-table.js';
import { scanQemuArgv, splitInvocation } from '../../src/parse/qemu-argv.js';

export interface HostView {
  /** Whether the path exists here (a firmware file, /dev/hwrng, /dev/hugepages). */
  exists(path: string): boolean;
  /** Whether /dev/kvm can be used. */
  kvm: boolean;
}

export interface Substitution { option: string; from: string; to: string | null; why: string }

export interface SubstitutedLine {
  /** The QEMU arguments (no environment words or program name). */
  args: string[];
  substitutions: Substitution[];
  /** false: the line needs a host resource with no stand-in; `skip` says which. */
  startable: boolean;
  skip?: string;
  /** The line chooses KVM (-accel kvm, -enable-kvm, -machine accel=kvm). */
  kvm: boolean;
}

/** Where stand-ins that must be paths live (spice sockets, 9p shares, file-backed RAM). */
export const STANDIN_DIR = '/tmp/qom-compat-corpus';
/** libvirt's test suite mocks its random bytes as 0, 1, 2, …: its master key is bytes 0..31 (tests/virrandommock.c). */
const LIBVIRT_TEST_MASTER_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
/** A floppy image of 1.44 MB: a floppy drive refuses geometries it does not know (1 GiB, null-co's default). */
const FLOPPY_SIZE = 1474560;
/** A pflash image: QEMU maps it below 4 GiB and refuses one above its firmware limit (null-co's default is 1 GiB). */
const PFLASH_SIZE = 131072;

// ---------------------------------------------------------------------------------------------
// QemuOpts / keyval text

type Pair = [key: string, value: string | undefined];

/** `a=b,,c,d` → [['a','b,c'],['d',undefined]] (QEMU's ',,' escape). */
export function splitOpts(text: string): Pair[] {
  const out: Pair[] = [];
  let cur = '';
  const flush = () => {
    const eq = cur.indexOf('=');
    out.push(eq < 0 ? [cur, undefined] : [cur.slice(0, eq), cur.slice(eq + 1)]);
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ',' && text[i + 1] === ',') { cur += ','; i++; } else if (c === ',') flush(); else cur += c;
  }
  flush();
  return out;
}

export function joinOpts(pairs: readonly Pair[]): string {
  const esc = (s: string) => s.replace(/,/g, ',,');
  return pairs.map(([k, v]) => (v === undefined ? esc(k) : `${esc(k)}=${esc(v)}`)).join(',');
}

const get = (pairs: readonly Pair[], key: string): string | undefined => pairs.find(([k]) => k === key)?.[1];
/** The implied first value (`-chardev socket,id=x` → socket), or the named key. */
const implied = (pairs: readonly Pair[], key: string): string | undefined =>
  (pairs[0] && pairs[0][1] === undefined ? pairs[0][0] : undefined) ?? get(pairs, key);

type Json = { [k: string]: unknown };
const isJson = (arg: string) => arg.trimStart().startsWith('{');

// ---------------------------------------------------------------------------------------------
// Rules

/** Block drivers that read a host resource (a file, a device, a network server). */
const PROTOCOL_DRIVERS = new Set(['file', 'host_device', 'host_cdrom', 'iscsi', 'nbd', 'rbd', 'gluster', 'ssh', 'http', 'https',
  'ftp', 'ftps', 'nfs', 'nvme', 'vvfat', 'curl', 'vxhs', 'sheepdog', 'libssh', 'virtio-blk-vhost-vdpa', 'virtio-blk-vhost-user',
  'virtio-blk-vfio-pci', 'io_uring', 'nvme-io_uring']);
/** Image formats whose header null-co's zeros are not: replaced by raw over the same child. */
const IMAGE_FORMATS = new Set(['qcow2', 'qcow', 'qed', 'vmdk', 'vdi', 'vpc', 'vhdx', 'luks', 'parallels', 'dmg', 'cloop', 'bochs']);
/** Options every block node takes (BlockdevOptionsBase): kept on a stand-in. */
const NODE_BASE = ['node-name', 'read-only', 'auto-read-only', 'discard', 'cache', 'detect-zeroes', 'force-share'];

/** -device drivers that need a host device or a backend process: the line cannot start here. */
const HOST_DEVICE = /^(vfio-.*|vhost-scsi.*|vhost-vsock.*|vhost-user-.*|usb-host|u2f-passthrough|virtio-input-host.*|scsi-block|scsi-generic|ivshmem-doorbell|tpm-.*|virtio-gpu-gl.*|virtio-vga-gl|vhost-user-gpu.*|pci-assign|xen-.*|sgx-epc)$/;
/** -object types that need host hardware or services. */
const HOST_OBJECT = /^(sev-guest|sev-snp-guest|tdx-guest|memory-backend-epc|iommufd|cryptodev-vhost-user|dbus-vmstate|vfio-user.*)$/;
/** -object types whose only job is a host resource nothing here uses once its users are replaced: dropped. */
const DROPPED_OBJECT = /^(tls-creds-x509|tls-creds-psk|tls-cipher-suites|input-linux|pr-manager-helper|can-host-socketcan|authz-list-file)$/;
/**
 * Chardev backends that need nothing from the host. Not qemu-vdagent: with clipboard=on QEMU here
 * never greeted the harness's QMP (killed after 60 s); chardevs are not in the QOM tree, so null shows the same.
 */
const SELF_CONTAINED_CHARDEV = new Set(['null', 'ringbuf', 'memory', 'msmouse', 'wctablet', 'testdev', 'braille', 'vc']);
/** Netdev types that need nothing from the host. */
const SELF_CONTAINED_NETDEV = new Set(['user', 'hubport']);

interface Context {
  host: HostView;
  tag: string;
  subs: Substitution[];
  /** Block node names and -drive ids behind a pflash or a floppy (they need a size the device accepts). */
  sized: Map<string, number>;
  skip?: string;
}

function note(ctx: Context, option: string, from: string, to: string | null, why: string): string | null {
  if (from !== to) ctx.subs.push({ option, from, to, why });
  return to;
}

/** A block node (JSON form) with no host resource: null-co leaves, raw in place of image formats. */
function standInNode(node: Json, ctx: Context): Json {
  const driver = String(node.driver ?? '');
  const base = (): Json => Object.fromEntries(NODE_BASE.filter((k) => k in node).map((k) => [k, node[k]]));
  const child = (c: unknown): unknown => (c && typeof c === 'object' ? standInNode(c as Json, ctx) : c);
  if (PROTOCOL_DRIVERS.has(driver)) {
    const filename = node.filename;
    if ((driver === 'file' || driver === 'host_cdrom' || driver === 'host_device') && typeof filename === 'string'
      && !filename.startsWith('/dev/') && ctx.host.exists(filename)) return node;
    const size = ctx.sized.get(String(node['node-name']));
    return { driver: 'null-co', ...base(), ...(size ? { size } : {}) };
  }
  if (IMAGE_FORMATS.has(driver)) return { driver: 'raw', ...base(), file: child(node.file) };
  if ('file' in node) return { ...node, file: child(node.file) };
  return node;
}

function blockdev(arg: string, ctx: Context): string {
  if (!isJson(arg)) {
    const pairs = splitOpts(arg);
    const node: Json = {};
    for (const [k, v] of pairs) node[k] = v;
    const out = standInNode(nest(node), ctx);
    // keyval stays keyval: its values are strings that JSON would type differently (cache.direct=off).
    return JSON.stringify(out) === JSON.stringify(nest(node)) ? arg : joinOpts(flatten(out));
  }
  const node = JSON.parse(arg) as Json;
  const out = standInNode(node, ctx);
  return JSON.stringify(out) === JSON.stringify(node) ? arg : JSON.stringify(out);
}

/** keyval's dotted keys (`file.driver=file`) as nested objects. */
function nest(flat: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Json;
    o[parts[parts.length - 1]!] = v;
  }
  return out;
}

function flatten(o: Json, prefix = ''): Pair[] {
  return Object.entries(o).flatMap(([k, v]): Pair[] => (v && typeof v === 'object' ? flatten(v as Json, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]));
}

/** -drive: the image (file=, file.*) becomes a null-co node; everything the guest sees (if, media, index, id…) stays. */
function drive(arg: string, ctx: Context): string {
  const pairs = splitOpts(arg);
  const file = get(pairs, 'file');
  const remote = pairs.some(([k]) => k.startsWith('file.'));
  if (file === undefined && !remote) return arg;
  if (file !== undefined && !remote && !file.startsWith('/dev/') && ctx.host.exists(file)) return arg;
  const size = ctx.sized.get(get(pairs, 'id') ?? '') ?? (get(pairs, 'if') === 'floppy' ? FLOPPY_SIZE : get(pairs, 'if') === 'pflash' ? PFLASH_SIZE : undefined);
  const kept = pairs.filter(([k]) => k !== 'file' && k !== 'format' && k !== 'driver' && !k.startsWith('file.') && !k.startsWith('encrypt.') && k !== 'aio');
  return joinOpts([...kept, ['driver', 'null-co'], ...(size ? [['size', String(size)] as Pair] : [])]);
}

function chardev(arg: string): string {
  const pairs = splitOpts(arg);
  const backend = implied(pairs, 'backend') ?? '';
  // A log file is a host path (or a libvirt fd set): the chardev logs nowhere.
  if (SELF_CONTAINED_CHARDEV.has(backend)) return joinOpts(pairs.filter(([k]) => k !== 'logfile' && k !== 'logappend'));
  const mux = get(pairs, 'mux');
  return joinOpts([['null', undefined], ['id', get(pairs, 'id') ?? ''], ...(mux !== undefined ? [['mux', mux] as Pair] : [])]);
}

function netdev(arg: string): string {
  if (isJson(arg)) {
    const o = JSON.parse(arg) as Json;
    return SELF_CONTAINED_NETDEV.has(String(o.type)) ? arg : JSON.stringify({ type: 'user', id: o.id });
  }
  const pairs = splitOpts(arg);
  if (SELF_CONTAINED_NETDEV.has(implied(pairs, 'type') ?? '')) return arg;
  return joinOpts([['user', undefined], ['id', get(pairs, 'id') ?? '']]);
}

/** -net/-nic: a host backend becomes user networking; the NIC side (model, mac, name, id) stays. */
function legacyNet(option: string, arg: string): string {
  const pairs = splitOpts(arg);
  const type = implied(pairs, 'type') ?? '';
  if (type === 'nic' || type === 'none' || SELF_CONTAINED_NETDEV.has(type)) return arg;
  const keep = option === 'nic' ? ['model', 'mac', 'id'] : ['id', 'name', 'vlan'];
  return joinOpts([['user', undefined], ...pairs.filter(([k, v]) => v !== undefined && keep.includes(k))]);
}

/** -chardev-like options (-serial, -parallel, -monitor, -qmp) with a host backend → null. */
function charSpec(arg: string): string {
  if (/^(none|null|vc(:.*)?|chardev:.*|msmouse|braille)$/.test(arg)) return arg;
  return 'null';
}

function object(arg: string, ctx: Context): string | null {
  const json = isJson(arg);
  const entries: Array<[string, unknown]> = json ? Object.entries(JSON.parse(arg) as Json) : splitOpts(arg).map(([k, v], i) => (i === 0 && v === undefined ? ['qom-type', k] : [k, v]));
  const type = String(entries.find(([k]) => k === 'qom-type')?.[1] ?? '');
  if (HOST_OBJECT.test(type)) { ctx.skip ??= `-object ${type} needs host hardware or a host service`; return arg; }
  if (DROPPED_OBJECT.test(type)) return null;
  let out = entries;
  const val = (k: string) => out.find(([n]) => n === k)?.[1];
  const without = (...keys: string[]) => { out = out.filter(([k]) => !keys.includes(k)); };
  if (type === 'secret' && val('file') !== undefined) {
    without('file', 'format', 'data');
    out.push(['format', 'base64'], ['data', LIBVIRT_TEST_MASTER_KEY]);
  }
  if (type.startsWith('memory-backend-')) {
    const path = val('mem-path');
    if (type === 'memory-backend-file' && typeof path === 'string' && !ctx.host.exists(path)) {
      out = out.map(([k, v]) => [k, k === 'mem-path' ? '/dev/shm' : v]);
    }
    if (val('hugetlb') !== undefined) without('hugetlb', 'hugetlbsize');
    const nodes = val('host-nodes');
    if (nodes !== undefined && JSON.stringify(nodes) !== '[0]' && nodes !== '0') without('host-nodes', 'policy');
  }
  // thread-context node-affinity names the host's NUMA nodes ("The nodes select no CPUs" where they do not exist).
  if (type === 'thread-context' && val('node-affinity') !== undefined) without('node-affinity');
  if (type === 'rng-random' && typeof val('filename') === 'string' && !ctx.host.exists(String(val('filename')))) {
    out = out.map(([k, v]) => [k, k === 'filename' ? '/dev/urandom' : v]);
  }
  if (JSON.stringify(out) === JSON.stringify(entries)) return arg;
  if (json) return JSON.stringify(Object.fromEntries(out));
  return joinOpts(out.map(([k, v], i): Pair => (i === 0 && k === 'qom-type' ? [String(v), undefined] : [k, v === undefined ? undefined : String(v)])));
}

function device(arg: string, ctx: Context): string {
  const json = isJson(arg);
  const o: Json = json ? (JSON.parse(arg) as Json) : {};
  const pairs = json ? [] : splitOpts(arg);
  const driver = json ? String(o.driver) : (implied(pairs, 'driver') ?? '');
  if (HOST_DEVICE.test(driver)) { ctx.skip ??= `-device ${driver} needs a host device or backend process`; return arg; }
  const romfile = json ? o.romfile : get(pairs, 'romfile');
  if (typeof romfile !== 'string' || romfile === '' || ctx.host.exists(romfile) || !romfile.includes('/')) return arg;
  if (json) { delete o.romfile; return JSON.stringify(o); }
  return joinOpts(pairs.filter(([k]) => k !== 'romfile'));
}

/** -machine: Proxmox's `+pveN` types are not in the upstream binary; the upstream type is what resolve answers for. */
function machine(arg: string): string {
  const pairs = splitOpts(arg);
  const strip = (v: string | undefined) => v?.replace(/\+pve\d+$/, '');
  return joinOpts(pairs.map(([k, v], i): Pair => (i === 0 && v === undefined ? [strip(k)!, v] : k === 'type' ? [k, strip(v)] : [k, v])));
}

function boot(arg: string, ctx: Context): string {
  const pairs = splitOpts(arg);
  const splash = get(pairs, 'splash');
  if (splash === undefined || ctx.host.exists(splash)) return arg;
  return joinOpts(pairs.filter(([k]) => k !== 'splash'));
}

function fsdev(arg: string, ctx: Context): string {
  const pairs = splitOpts(arg);
  const path = get(pairs, 'path');
  if (path === undefined || ctx.host.exists(path)) return arg;
  return joinOpts(pairs.map(([k, v]): Pair => [k, k === 'path' ? '/tmp' : v]));
}

function audiodev(arg: string): string {
  if (isJson(arg)) {
    const o = JSON.parse(arg) as Json;
    return o.driver === 'none' ? arg : JSON.stringify({ id: o.id, driver: 'none' });
  }
  const pairs = splitOpts(arg);
  if (implied(pairs, 'driver') === 'none') return arg;
  return joinOpts([['none', undefined], ['id', get(pairs, 'id') ?? '']]);
}

/** Node names and drive ids behind a pflash or a floppy drive, with the size their device accepts. */
function sizedNodes(options: ReadonlyArray<{ name: string; arg?: string }>): Map<string, number> {
  const sized = new Map<string, number>();
  const children = new Map<string, string>();
  for (const o of options) {
    if (o.arg === undefined) continue;
    if (o.name === 'blockdev' && isJson(o.arg)) {
      const n = JSON.parse(o.arg) as Json;
      if (typeof n.file === 'string') children.set(String(n['node-name']), n.file);
    }
    if (o.name === 'machine' || o.name === 'M') {
      for (const [k, v] of splitOpts(o.arg)) if (/^pflash[01]$/.test(k) && v) sized.set(v, PFLASH_SIZE);
    }
    if (o.name === 'device') {
      const d = isJson(o.arg) ? (JSON.parse(o.arg) as Json) : Object.fromEntries(splitOpts(o.arg));
      const driverName = String(d.driver ?? splitOpts(o.arg)[0]?.[0]);
      if (driverName === 'floppy' && typeof d.drive === 'string') sized.set(d.drive, FLOPPY_SIZE);
      if (driverName === 'isa-fdc') for (const k of ['driveA', 'driveB']) if (typeof d[k] === 'string') sized.set(d[k] as string, FLOPPY_SIZE);
    }
    if (o.name === 'global') {
      const m = /^isa-fdc\.drive[AB]=(.+)$/.exec(o.arg);
      if (m) sized.set(m[1]!, FLOPPY_SIZE);
    }
  }
  for (const [name, size] of [...sized]) {
    for (let c = children.get(name); c !== undefined; c = children.get(c)) sized.set(c, size);
  }
  return sized;
}

const SOUND_DEVICE = /^(intel-hda|ich9-intel-hda|AC97|sb16|es1370|adlib|cs4231a|gus|usb-audio|virtio-sound.*|hda-.*)$/;
function deviceDriver(arg: string): string {
  return isJson(arg) ? String((JSON.parse(arg) as Json).driver) : (implied(splitOpts(arg), 'driver') ?? '');
}

const KVM_ACCEL = /(^|,)accel=kvm\b/;

/**
 * The line's QEMU arguments (environment words and the program name taken off), rewritten for
 * this host. `tag` names the line (its file), for stand-in paths that must differ between lines.
 */
export function substituteHostResources(words: readonly string[], table: OptionTable, host: HostView, tag: string): SubstitutedLine {
  const { args } = splitInvocation(words);
  const dialect = dialectOf(args);
  const scanned = scanQemuArgv(args, dialect ? table.withOptions(dialect.options) : table);
  const ctx: Context = { host, tag, subs: [], sized: sizedNodes(scanned.options) };
  const out: string[] = [];
  let kvm = false;
  // QEMU stops at the first pass: nothing of the host is touched, the line runs as it is.
  if (scanned.error) return { args: dialect ? dropProxmoxId(args, ctx) : [...args], substitutions: ctx.subs, startable: true, kvm: false };
  const dropped = new Set<string>();
  for (const o of scanned.options) {
    const word = o.text.split(' ')[0]!;
    const name = o.name === 'M' ? 'machine' : o.name;
    const keep = (arg: string | null | undefined, why: string) => {
      if (arg === null) { note(ctx, name, o.text, null, why); dropped.add(name); return; }
      if (o.arg === undefined) { out.push(word); return; }
      note(ctx, name, o.arg, arg!, why);
      if (o.image) out.push(arg!); else out.push(word, arg!);
    };
    const drop = (why: string) => keep(null, why);
    switch (name) {
      case 'id': if (dialect) drop('pve-qemu-kvm\'s option: the upstream binary here has no -id'); else keep(o.arg, ''); break;
      case 'machine':
        if (KVM_ACCEL.test(o.arg!)) kvm = true;
        keep(machine(o.arg!), 'a Proxmox +pveN machine type: the upstream binary has the upstream type only'); break;
      case 'accel': if (/^(kvm)(,|$)/.test(o.arg!) || /(^|,)accel=kvm/.test(o.arg!)) kvm = true; keep(o.arg, ''); break;
      case 'enable-kvm': kvm = true; keep(undefined, ''); break;
      case 'blockdev': keep(blockdev(o.arg!, ctx), 'the image or server is not here: a null-co node with the same node-name (raw in place of an image format)'); break;
      case 'drive': keep(drive(o.arg!, ctx), 'the image or server is not here: a null-co drive with the same id, interface and media'); break;
      case 'hda': case 'hdb': case 'hdc': case 'hdd': case 'cdrom': case 'fda': case 'fdb': case 'mtdblock': case 'sd': case 'pflash':
        if (o.arg && !host.exists(o.arg)) ctx.skip ??= `-${name} ${o.arg}: the image is not here (a disk option takes no null-co)`;
        keep(o.arg, ''); break;
      case 'chardev': keep(chardev(o.arg!), 'sockets, files, ptys and fds of the host: a null chardev with the same id'); break;
      case 'serial': case 'parallel': case 'monitor': case 'qmp': case 'qmp-pretty':
        keep(charSpec(o.arg!), 'a host socket, file or terminal (stdio is the harness\'s QMP): null'); break;
      case 'netdev': keep(netdev(o.arg!), 'tap, bridge, vhost-user and sockets of the host: user networking with the same id'); break;
      case 'net': case 'nic': keep(legacyNet(name, o.arg!), 'a host network backend: user networking'); break;
      case 'add-fd': drop('file descriptors libvirt passes: the nodes that used them are null-co'); break;
      case 'object': keep(object(o.arg!, ctx), 'a host file, hugepages, host NUMA nodes or certificates: the nearest stand-in keeping id and size'); break;
      case 'device': keep(device(o.arg!, ctx), 'the ROM file is not here'); break;
      case 'tpmdev': ctx.skip ??= '-tpmdev needs /dev/tpm0 or a swtpm process'; keep(o.arg, ''); break;
      case 'readconfig': if (!host.exists(o.arg!)) ctx.skip ??= `-readconfig ${o.arg}: the host's file (its devices and buses) is not here`; keep(o.arg, ''); break;
      case 'fsdev': case 'virtfs': keep(fsdev(o.arg!, ctx), 'the shared directory is not here: /tmp'); break;
      case 'audiodev': keep(audiodev(o.arg!), 'the host\'s sound server: the none backend with the same id'); break;
      case 'mem-path': keep(host.exists(o.arg!) ? o.arg : '/dev/shm', 'hugepages are not mounted here: /dev/shm'); break;
      case 'kernel': case 'initrd': case 'bios': case 'dtb': case 'shim':
        if (host.exists(o.arg!)) keep(o.arg, ''); else drop('the file is not here'); break;
      case 'append': break; // decided after the loop: QEMU refuses -append without -kernel
      case 'acpitable': case 'smbios': {
        const f = get(splitOpts(o.arg!), 'file') ?? get(splitOpts(o.arg!), 'data');
        if (f !== undefined && !f.split(':').every((p) => host.exists(p))) drop('the table file is not here'); else keep(o.arg, '');
        break;
      }
      case 'boot': keep(boot(o.arg!, ctx), 'the boot splash image is not here'); break;
      case 'vnc': keep(o.arg === 'none' ? o.arg : 'none', 'a host socket, port or TLS directory: no VNC server'); break;
      case 'spice': keep(`unix=on,addr=${STANDIN_DIR}/${tag.replace(/[^\w.-]/g, '_')}.spice,disable-ticketing=on`, 'host ports and TLS certificates: a socket of its own'); break;
      case 'display': keep(/^none(,|$)/.test(o.arg!) ? o.arg : 'none', 'no display here (the harness runs -display none)'); break;
      case 'msg': drop('timestamps and guest names in messages differ from run to run'); break;
      case 'daemonize': drop('the harness talks QMP on stdio'); break;
      case 'pidfile': case 'runas': case 'chroot': case 'D': case 'incoming': case 'usbdevice':
        drop('a host path, user or migration source'); break;
      default: keep(o.arg, '');
    }
  }
  const has = (...names: string[]) => scanned.options.some((o) => names.includes(o.name));
  // -nographic puts the default serial port on stdio, where the harness talks QMP.
  if (has('nographic') && !has('serial', 'nodefaults')) {
    out.push('-serial', 'null');
    note(ctx, 'serial', '(default: stdio under -nographic)', 'null', 'stdio is the harness\'s QMP');
  }
  // A sound device without -audiodev gets the host's default audio driver (ALSA, PulseAudio…), which complains here.
  if (scanned.options.some((o) => o.name === 'device' && o.arg !== undefined && SOUND_DEVICE.test(deviceDriver(o.arg))) && !has('audiodev', 'audio')) {
    out.push('-audio', 'driver=none');
    note(ctx, 'audio', '(default: the host\'s audio driver)', 'driver=none', 'no sound server here');
  }
  // system/vl.c: a program named …kvm prefers KVM (kvm:tcg) when the line names no accelerator. The binary
  // here is qemu-system-x86_64, so such a line runs under TCG: this host's (nested) KVM refuses most of these
  // lines' CPU models ("Host doesn't support requested features", MSR 0x10a), a host resource the line lacks here.
  const program = splitInvocation(words).program;
  const cpuHost = scanned.options.some((o) => o.name === 'cpu' && /^host(,|$)/.test(o.arg ?? ''));
  if (program !== undefined && /kvm$/.test(program) && !kvm && !has('accel') && !scanned.options.some((o) => (o.name === 'machine' || o.name === 'M') && /(^|,)accel=/.test(o.arg ?? ''))) {
    // -cpu host needs KVM: such a line keeps it (this host's KVM runs -cpu host).
    if (cpuHost) {
      out.unshift('-accel', 'kvm');
      kvm = true;
      note(ctx, 'accel', `(default for ${program}: kvm:tcg)`, 'kvm', 'the program name chose KVM, and -cpu host needs it; the binary here is qemu-system-x86_64');
    } else note(ctx, 'accel', `(default for ${program}: kvm:tcg)`, 'tcg', 'run as qemu-system-x86_64 (TCG): this host\'s KVM lacks the CPU features these lines ask for');
  }
  // -append goes where it was, if its -kernel stayed.
  const final: string[] = [];
  for (const o of scanned.options) {
    if (o.name !== 'append') continue;
    if (dropped.has('kernel') || !scanned.options.some((k) => k.name === 'kernel')) note(ctx, 'append', o.text, null, 'its -kernel is not here');
    else final.push(o.text.split(' ')[0]!, o.arg!);
  }
  out.push(...final);
  return { args: out, substitutions: ctx.subs, startable: ctx.skip === undefined, ...(ctx.skip ? { skip: ctx.skip } : {}), kvm };
}

function dropProxmoxId(args: readonly string[], ctx: Context): string[] {
  const i = args.findIndex((a) => a === '-id' || a === '--id');
  if (i < 0) return [...args];
  note(ctx, 'id', `${args[i]} ${args[i + 1]}`, null, 'pve-qemu-kvm\'s option: the upstream binary here has no -id');
  return [...args.slice(0, i), ...args.slice(i + 2)];
}
