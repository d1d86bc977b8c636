/**
 * qom-compat as a library: load definitions, resolve a command line, list
 * and describe machines. Everything here is free of terminal I/O.
 */
export { resolve, type ResolveRequest, type CommandLineOption } from './resolve/resolve.js';
export type { ResolveResult, ResolvedObject, ResolvedProperty, ValueSource, TraceStep, CompatModelName, Outcome } from './resolve/result.js';
export { compatModel, type CompatModel } from './resolve/compat-model.js';
export { parseGlobalValue, parseDeviceValue, parseObjectValue, formatValue, type QomValue } from './resolve/values.js';
export { parseGlobal, parseDevice, parseObject, type GlobalSpec, type DeviceSpec, type ObjectSpec } from './resolve/options.js';
export { loadDefinitions, validateFile } from './load/loader.js';
export type { Definitions, DefinitionSources } from './load/build.js';
export { loadDefinitionsFromDisk, readDefinitionSources, EMBEDDED_MACHINES_DIR } from './load/fs.js';
export { MachineModel, type Machine, type CompatEntry, type SourcedCompatEntry } from './model/machines.js';
export { TypeModel, type QomType, type QomProperty } from './model/types.js';
export { findMachine } from './model/find.js';
export { listMachines, type MachineListing } from './commands/list.js';
export { describeMachine, type MachineDetails } from './commands/show.js';
export { DefinitionError, UnknownNameError, UsageError, QemuProbeError, QomCompatError, EXIT } from './errors.js';
