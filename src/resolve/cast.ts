/**
 * object_dynamic_cast() as qom/object.c (10.0.2) decides it for the entries of
 * the compat and global lists. It differs from plain "is, descends from or
 * implements" in one way: when the target is an interface type (or
 * `interface` itself) and the class has interfaces, QEMU counts the class's
 * interfaces that are, or descend from, the target, and refuses an ambiguous
 * cast (more than one). So `-global interface.x=1` reaches only classes with
 * exactly one interface, and never a device (device alone brings vmstate-if
 * and resettable).
 */
import type { TypeModel } from '../model/types.js';

const caches = new WeakMap<TypeModel, Map<string, boolean>>();

/**
 * ObjectClass.interfaces: the parent's list, then each interface the type
 * declares unless an entry already is or descends from it (type_initialize).
 */
export function classInterfaces(types: TypeModel, type: string): string[] {
  const list: string[] = [];
  for (const ancestor of [...types.ancestry(type)].reverse()) {
    for (const iface of types.get(ancestor)?.interfaces ?? []) {
      if (!types.has(iface)) continue;
      if (list.some((entry) => types.ancestry(entry).includes(iface))) continue;
      list.push(iface);
    }
  }
  return list;
}

/** object_class_dynamic_cast(class of `type`, `target`) != NULL */
export function dynamicCast(types: TypeModel, type: string, target: string): boolean {
  let cache = caches.get(types);
  if (!cache) caches.set(types, (cache = new Map()));
  const key = `${type}\u0000${target}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let result: boolean;
  if (type === target) result = true;
  else if (!types.has(target)) result = false;
  else {
    const ifaces = classInterfaces(types, type);
    if (ifaces.length > 0 && types.ancestry(target).includes('interface')) {
      result = ifaces.filter((i) => types.ancestry(i).includes(target)).length === 1;
    } else {
      result = types.ancestry(type).includes(target);
    }
  }
  cache.set(key, result);
  return result;
}
