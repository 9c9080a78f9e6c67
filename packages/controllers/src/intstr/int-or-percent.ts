import { type IntOrString, InvalidError } from '@flotilla/core';

/**
 * Resolves an int-or-percent field (`maxSurge: '25%'`, `maxUnavailable: 1`)
 * against a total, as Kubernetes' `GetScaledValueFromIntOrPercent`: a number
 * is taken as is; `'N%'` is N percent of `total`, rounded up or down.
 *
 * Throws `InvalidError` naming `field` for anything else (`'25'`, `'x%'`).
 */
export function scaledValue(
  value: IntOrString | undefined,
  fallback: IntOrString,
  total: number,
  roundUp: boolean,
  where: { kind: string; name: string; field: string },
): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v);
  if (!match) {
    throw new InvalidError(where.kind, where.name, [
      { field: where.field, message: `Invalid value: "${v}": must be an integer or a percentage like "25%"` },
    ]);
  }
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
