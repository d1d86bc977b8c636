/** Human wording of where a value came from. */
import type { ValueSource } from '../resolve/result.js';

export function describeSource(s: ValueSource): string {
  switch (s.kind) {
    case 'default': return 'type default';
    case 'accel-compat': return `accel compat (${s.accel}) #${s.index}`;
    case 'machine-compat': return `machine compat, added by ${s.machine}${s.group ? ` (group ${s.group})` : ''} #${s.index}`;
    case 'sugar': return `sugar (${s.option})`;
    case 'global': return `-global #${s.index} (${s.text})`;
    case 'cpu-feature': return `-cpu feature (${s.text})`;
    case 'option': return s.option;
    case 'instance-init': return s.afterCompat ? `reset by ${s.type} instance_init after compat (QEMU 10.0.2)` : `set by ${s.type} instance_init, before compat`;
    case 'board': return 'board code or realize (what QEMU shows once started)';
  }
}
