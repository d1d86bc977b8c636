/**
 * qdev_prop_check_globals(): after board init and -device, every -global that
 * reached no object is checked. The class is looked up without loading
 * modules, so a module type counts as unknown until a -device loaded it.
 */
import type { CompatModel } from './compat-model.js';

export interface GlobalUse { driver: string; property: string; value: string; used: boolean }

export function unusedGlobalWarnings(model: CompatModel, globals: readonly GlobalUse[], deviceDrivers: readonly string[]): string[] {
  const loaded = loadedModuleTypes(model, deviceDrivers);
  const out: string[] = [];
  for (const g of globals) {
    if (g.used) continue;
    const t = model.types.get(g.driver);
    if (!t || (t.module && !loaded.has(g.driver)) || !model.isGlobalClass(g.driver)) {
      out.push(`global ${g.driver}.${g.property} has invalid class name`);
    } else if (!model.isHotpluggable(g.driver)) {
      out.push(`global ${g.driver}.${g.property}=${g.value} not used`);
    }
  }
  return out;
}

/**
 * Module types known once -device loaded their module: the device's type and
 * its ancestors, and the types of the children it creates (a virtio proxy's
 * backend device lives in a module the proxy's module depends on).
 */
function loadedModuleTypes(model: CompatModel, drivers: readonly string[]): Set<string> {
  const loaded = new Set<string>();
  const visit = (type: string) => {
    if (loaded.has(type) || !model.types.has(type)) return;
    for (const a of model.types.ancestry(type)) loaded.add(a);
    for (const p of model.types.properties(type).values()) {
      const m = /^child<(.+)>$/.exec(p.type);
      if (m) visit(m[1]!);
    }
  };
  drivers.forEach(visit);
  return loaded;
}
