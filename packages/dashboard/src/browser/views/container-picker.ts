import type { Pod } from '@flotilla/core';
import { h } from '../ui/dom.js';

/**
 * A labelled choice of a pod's container (the first one chosen, as kubectl
 * takes the first without `-c`): `onChange` runs with the name picked.
 */
export function containerPicker(pod: Pod, onChange: (container: string) => void): HTMLLabelElement {
  const select = h(
    'select',
    { name: 'container' },
    pod.spec.containers.map((c) => h('option', { value: c.name }, c.name)),
  );
  select.addEventListener('change', () => onChange(select.value));
  return h('label', { class: 'inline' }, 'Container ', select);
}
