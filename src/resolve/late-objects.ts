/**
 * system/vl.c object_create_early(): which -object types QEMU creates before
 * the machine's accelerator (early) and which only after it (late). It decides
 * which compat slots such an object sees and where its messages fall.
 */
const LATE_TYPES = new Set([
  'rng-egd', 'qtest', 'cryptodev-vhost-user', 'vhost-user-blk-server',
  'filter-buffer', 'filter-dump', 'filter-mirror', 'filter-redirector', 'colo-compare', 'filter-rewriter', 'filter-replay',
]);

export function isLateObjectType(type: string): boolean {
  return LATE_TYPES.has(type) || type.startsWith('memory-backend-');
}
