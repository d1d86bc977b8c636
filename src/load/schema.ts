/**
 * zod schemas of the definition files under machines/<arch>/. These are the
 * single source of truth: the JSON Schema files in machines/schema/ are
 * exported from them (npm run schemas) and a test keeps both in sync.
 */
import { z } from 'zod';
import { CHECK_SUPPRESSIONS_FILE, type DefinitionFileName } from './file-names.js';
import { RULES, type RuleId } from '../check/rules.js';

const name = z.string().min(1);

/** One compat property, as QEMU's GlobalProperty: driver, property, value, optional. */
export const CompatEntrySchema = z.strictObject({
  driver: name.describe('QOM type the entry targets; reaches the type and every subtype/implementer'),
  property: name,
  value: z.string().describe('Value as QEMU parses it (string input visitor), e.g. "off", "0x10", "64k"'),
  optional: z.boolean().optional().describe('Skip quietly on objects that lack the property (GlobalProperty.optional)'),
});

/** A compat list item: an entry, or a reference to a shared group by name. */
export const CompatItemSchema = z.union([
  CompatEntrySchema,
  z.strictObject({ group: name.describe('Name of a group in "groups", spliced in here') }),
]);

export const CompatGroupSchema = z.strictObject({
  name,
  comment: z.string().optional(),
  entries: z.array(CompatEntrySchema),
});

export const MachineSchema = z.strictObject({
  name: name.describe('Machine name as given to -M, e.g. pc-q35-9.1'),
  type: name.describe('QOM type of the machine class, e.g. pc-q35-9.1-machine'),
  alias: z.string().min(1).nullable().optional(),
  isDefault: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  inherits: z.string().min(1).nullable().optional().describe(
    'The newer machine version whose compat list this one extends (QEMU calls its options first)'),
  compat: z.array(CompatItemSchema).describe('Entries this version appends after the inherited ones, in order'),
  defaultCpuType: z.string().nullable().optional(),
  defaultRamId: z.string().nullable().optional(),
  cpuMax: z.number().int().min(1).optional().describe('The most CPUs the machine takes (query-machines cpu-max): -smp\'s limit'),
  board: z.strictObject({
    defaults: name.describe('Board layout id (boards.json) without -nodefaults'),
    nodefaults: name.describe('Board layout id (boards.json) with -nodefaults'),
  }).optional(),
});

export const MachinesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  arch: name,
  qemu: z.strictObject({
    version: z.string(),
    binary: z.string().optional(),
    compatProps: z.literal(false).optional().describe(
      'false: the binary reports no compat lists (QEMU before 9.1); machines carry none, and what each machine type gives is only what its board shows (boards.json)'),
  }).optional(),
  groups: z.array(CompatGroupSchema).optional().describe('Compat entry lists shared by several machines (a file of one machine needs none)'),
  machines: z.array(MachineSchema),
});

export const PropertySchema = z.strictObject({
  name,
  type: name.optional().describe(
    'QOM property type as QMP reports it (bool, uint32, OnOffAuto, link<...>, ...); omitted when a subtype only changes an inherited property\'s default'),
  default: z.string().nullable().optional().describe(
    'Default in QEMU value syntax, parsed per type; null or absent when unknown'),
  defaultFrom: z.enum(['qmp', 'instance', 'cpu-model']).optional().describe(
    'qmp: class default-value; instance: qom-get on an instance; cpu-model: query-cpu-model-expansion'),
  description: z.string().optional(),
  choices: z.array(z.string()).optional().describe('Enum values when QEMU exposes them'),
});

export const TypeSchema = z.strictObject({
  name,
  parent: z.string().min(1).nullable(),
  abstract: z.boolean().optional(),
  interfaces: z.array(name).optional().describe('Interfaces this type adds (not those inherited)'),
  module: z.boolean().optional().describe('Lives in a loadable module: unknown to QEMU until the module loads'),
  hotpluggable: z.boolean().optional().describe('Device class hotpluggable flag (devices only)'),
  userCreatable: z.boolean().optional().describe('-device accepts it (listed by -device help; devices only)'),
  bus: z.string().optional().describe('Bus a -device of this type plugs into, as -device help names it'),
  aliases: z.array(name).optional().describe('-device aliases, e.g. virtio-net for virtio-net-pci'),
  properties: z.array(PropertySchema).optional(),
  defaults: z.record(z.string().min(1), z.string()).optional().describe(
    'New defaults of inherited properties, by name (e.g. each x86 CPU model\'s feature defaults); one object, not ~300 redeclarations'),
  defaultsFrom: z.enum(['qmp', 'instance', 'cpu-model']).optional().describe('How the "defaults" were learned'),
  expansion: z.record(z.string().min(1), z.string()).optional().describe(
    'CPU models: what query-cpu-model-expansion (full) shows under -M none, by property, where that differs from the default; ' +
    'realize expands a CPU the same way (levels, cache info, model-id), and compare-machine-types.py reads these'),
});

export const TypesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  arch: name,
  types: z.array(TypeSchema),
});

/**
 * A value as qom-get shows it, as JSON (booleans, integers, strings and link
 * paths, lists, structures); integers beyond 2^53 as decimal strings, which
 * the property's declared type tells apart from strings.
 */
export const ObservedValueSchema = z.union([
  z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown()),
]);

/** A qdev bus an object carries (its QOM child), by the name `bus=` finds it with. */
export const BusSchema = z.strictObject({
  name: name.describe('The bus name, also its child property name: pcie.0, ide.2, usb-bus.0'),
  type: name.describe('QOM type of the bus: PCIE, IDE, usb-bus, ...'),
  hotpluggable: z.literal(false).optional().describe(
    'false: the bus has no hotplug handler (its hotplug-handler link is empty), so no device on it shows hotpluggable; absent: it has one, or was not read'),
});

export const BoardObjectSchema = z.strictObject({
  path: z.string().min(1).nullable().describe('QOM path; null for objects outside the composition tree'),
  type: name,
  transient: z.boolean().optional().describe('Created and destroyed during start-up (NIC probes, unused pflash)'),
  observed: name.optional().describe('Id of the record in "observed" holding what QEMU shows on this object once started'),
  buses: z.array(BusSchema).optional().describe('The buses this object carries, as QEMU shows them once started'),
});

/** A bus a device creates, and how QEMU names it. */
export const DeviceBusSchema = z.strictObject({
  at: z.string().describe('Path below the device of the object that carries it: "" for the device itself'),
  type: name.describe('QOM type of the bus'),
  name: name.describe('Its name when the device has an id, "$ID" standing for the id: "$ID" (PCI bridges), "$ID.0"'),
  anonymous: name.describe('Its name on a device without an id, as QEMU showed it: a bus type and a counter (pci.1), or a fixed name'),
  hotpluggable: z.literal(false).optional().describe(
    'false: the bus has no hotplug handler (an HDA codec bus, AHCI\'s IDE buses), so no device on it shows hotpluggable; absent: it has one, or was not read'),
});

/**
 * What QEMU shows on a board object once it has started (-S), where that
 * differs from what the compat chain configures. Shared by every board
 * object that shows the same.
 */
export const ObservedRecordSchema = z.strictObject({
  id: name,
  values: z.record(z.string().min(1), ObservedValueSchema).optional().describe(
    'What qom-get shows, for the properties where that differs from what the compat chain configures: ' +
    'board code, realize, instance properties, and defaults QMP does not report'),
  instanceProperties: z.record(z.string().min(1), name).optional().describe(
    'QOM type of each property in "values" that the instance has but its type does not declare (gsi[0], unnamed-gpio-out[0], ...)'),
  volatile: z.array(name).optional().describe('Properties whose value QEMU computes when asked (from the host clock): no value can be recorded'),
  hostDerived: z.array(name).optional().describe(
    'Properties whose value QEMU takes from the host it runs on (under KVM: the TSC frequency, CPU features the host lacks, ' +
    'the feature words): host-specific, so no value is recorded; what the chain configures is what a host that has them gets'),
  accelDefaults: z.array(name).optional().describe(
    'Properties in "values" that are the accelerator\'s defaults for the type (x86 kvm_default_props under KVM: kvmclock, x2apic, ...), ' +
    'set at instance init before compat entries and -global: a value the command line configures replaces them'),
  configured: z.record(z.string().min(1), z.union([ObservedValueSchema, z.null()])).optional().describe(
    'For device records: what the compat chain configured for each property in "values" when QEMU showed it (absent or null: unknown); ' +
    'the shown value holds only while the chain configures the same'),
});

/** What QEMU shows on a lone -device (or -object, or -cpu model) of a type, on a board with a given PCI host bridge. */
export const DeviceRecordSchema = z.strictObject({
  option: z.enum(['device', 'object', 'cpu']).describe('The option that created it: -device TYPE, -object TYPE, or -cpu MODEL in the board CPU\'s place'),
  type: name.describe('Its QOM type'),
  host: name.describe('QOM type of the PCI host bridge of the board it was created on ("none": a board without one)'),
  machine: name.describe('The machine it was created on (-nodefaults)'),
  refused: z.string().optional().describe(
    'QEMU refused to start with it alone (no property set): its messages, without the program name, "$OPTION" where QEMU named the option'),
  warnings: z.array(z.string()).optional().describe('Warnings QEMU printed for it alone, "$OPTION" where QEMU named the option'),
  buses: z.array(DeviceBusSchema).optional().describe('The buses the device creates'),
  requires: z.array(name).optional().describe(
    'Properties it was given to start (QEMU refuses it without them, with "refused"); its values are those of the device with them set'),
  providers: z.array(name).optional().describe(
    'Device types created before it, in order, because it needs a bus they provide (QEMU refuses it alone: "No \'usb-bus\' bus found")'),
  objects: z.array(z.strictObject({
    path: z.string().describe('Path below the device or object: "" for itself, "/virtio-backend" for a child'),
    observed: name.describe('Id of the record in "observed"'),
  })),
});

export const BoardLayoutSchema = z.strictObject({
  id: name,
  objects: z.array(BoardObjectSchema).describe('In creation order (the order compat and -global reach them)'),
});

export const BoardsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  arch: name,
  layouts: z.array(BoardLayoutSchema),
  observed: z.array(ObservedRecordSchema).optional().describe('What QEMU shows on board objects, shared by the objects that show the same'),
  devices: z.array(DeviceRecordSchema).optional().describe('What QEMU shows on each user-creatable -device and -object type created alone'),
  coverage: z.strictObject({
    machines: z.string().optional().describe('The --machines regular expression: only the machines it matches have board layouts'),
    devices: z.string().optional().describe('The --devices regular expression: only the types it matches have lone -device/-object records'),
  }).optional().describe('Present when the import was limited (a partial import): what it covers. Absent: every machine and type'),
  accelerators: z.record(name, z.record(name, z.strictObject({
    defaults: name.describe('Board layout id without -nodefaults under this accelerator'),
    nodefaults: name.describe('Board layout id with -nodefaults under this accelerator'),
  }))).optional().describe(
    'Board layouts probed under another accelerator than TCG (machines.json\'s "board" is TCG\'s): accelerator name (kvm) → ' +
    'machine → layout ids. A machine missing here has only its TCG layout'),
  variants: z.record(name, z.record(z.string(), z.record(name, z.strictObject({
    defaults: name.describe('Board layout id without -nodefaults with this machine property'),
    nodefaults: name.describe('Board layout id with -nodefaults with this machine property'),
  })))).optional().describe(
    'Board layouts probed with a -machine property that changes the board (acpi=off, hpet=off, vmport=off): accelerator name ' +
    '(tcg, kvm) → "property=value" → machine → layout ids. A machine or setting missing here was not probed'),
});

export const AccelCompatFileSchema = z.strictObject({
  $schema: z.string().optional(),
  accelerators: z.array(z.strictObject({
    name: name.describe('-accel name, e.g. xen'),
    type: name.describe('QOM type, e.g. xen-accel'),
    origin: z.string().describe('Where in QEMU the list is defined'),
    compat: z.array(CompatEntrySchema),
  })),
});

/** One command-line option of the binary (system/vl.c qemu_options). */
export const OptionSchema = z.strictObject({
  name: name.describe('Option name without the dash, e.g. machine'),
  hasArg: z.boolean().describe('Takes the next word as its argument (HAS_ARG)'),
  target: z.boolean().describe('Available for this target; false: QEMU knows it but says "Option not supported for this target"'),
  help: z.string().optional().describe('The synopsis line of -help'),
});

export const OptsListSchema = z.strictObject({
  name: z.string().describe('QemuOptsList name as query-command-line-options reports it, e.g. rtc, smp-opts (QEMU 10.0 also reports one without a name)'),
  parameters: z.array(z.strictObject({ name, type: name })).describe('Empty: the list accepts any parameter'),
});

export const OptionTableFileSchema = z.strictObject({
  $schema: z.string().optional(),
  arch: name,
  qemuVersion: name,
  options: z.array(OptionSchema),
  optsLists: z.array(OptsListSchema),
});

export type CompatEntryDef = z.infer<typeof CompatEntrySchema>;
export type CompatItemDef = z.infer<typeof CompatItemSchema>;
export type MachineDef = z.infer<typeof MachineSchema>;
export type MachinesFile = z.infer<typeof MachinesFileSchema>;
export type PropertyDef = z.infer<typeof PropertySchema>;
export type TypeDef = z.infer<typeof TypeSchema>;
export type TypesFile = z.infer<typeof TypesFileSchema>;
export type BoardLayoutDef = z.infer<typeof BoardLayoutSchema>;
export type BoardObjectDef = z.infer<typeof BoardObjectSchema>;
export type BusDef = z.infer<typeof BusSchema>;
export type DeviceBusDef = z.infer<typeof DeviceBusSchema>;
export type ObservedValue = z.infer<typeof ObservedValueSchema>;
export type ObservedRecordDef = z.infer<typeof ObservedRecordSchema>;
export type DeviceRecordDef = z.infer<typeof DeviceRecordSchema>;
export type BoardsFile = z.infer<typeof BoardsFileSchema>;
export type AccelBoardsDef = NonNullable<BoardsFile['accelerators']>;
export type AccelCompatFile = z.infer<typeof AccelCompatFileSchema>;
export type OptionDef = z.infer<typeof OptionSchema>;
export type OptsListDef = z.infer<typeof OptsListSchema>;
export type OptionTableFile = z.infer<typeof OptionTableFileSchema>;

/** File name → schema, for the loader, the exporter and `check`. */
export const DEFINITION_FILES = {
  'machines.json': MachinesFileSchema,
  'types.json': TypesFileSchema,
  'boards.json': BoardsFileSchema,
  'accel-compat.json': AccelCompatFileSchema,
} as const satisfies Record<DefinitionFileName, z.ZodType>;
export type { DefinitionFileName };
export { CHECK_SUPPRESSIONS_FILE };

/**
 * options.json: the binary's command-line option table. Not one of the four
 * required files: definitions imported before it existed (or written by hand
 * for `check`) still load, and resolve then falls back to the embedded table.
 */
export const OPTION_TABLE_FILE = 'options.json';

/**
 * check-suppressions.json beside the definition files: findings of `check`
 * accepted one by one, with the reason (src/check/accept.ts reads it and
 * reports mistakes in it with their place; this schema is for editors).
 */
export const CheckSuppressionsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  suppressions: z.array(z.strictObject({
    rule: z.enum(Object.keys(RULES) as [RuleId, ...RuleId[]]).describe('the rule whose finding is accepted'),
    file: name.optional().describe('the definition file, relative to this directory; none: every file of it'),
    path: name.optional().describe("the finding's key (check --format json), or a path above it; none: the whole file"),
    reason: name.describe('why the finding is accepted'),
  })),
});
