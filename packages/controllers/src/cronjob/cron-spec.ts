import { Zone } from './zoned-time.js';

/**
 * Cron schedules with robfig/cron v3's semantics (the library Kubernetes'
 * CronJob controller uses through `cron.ParseStandard`): fields as bit
 * sets, `*`/`?` marking a field "unrestricted" (only when not stepped by
 * more than 1), day-of-month and day-of-week ORed unless one is
 * unrestricted, and `Next` walking month, day, hour, minute, second in the
 * schedule's zone so that a time skipped by DST is skipped and a repeated
 * hour fires twice. An unsatisfiable spec (`0 0 30 2 *`) parses and never
 * fires (`next` gives undefined after five years of search).
 */

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** The bits of one field, and whether it was written unrestricted (a star, a question mark, or a star stepped by 1). */
export interface CronField {
  bits: bigint;
  star: boolean;
}

/** A schedule: when it fires after a given instant, or undefined when it never does. */
export interface CronSpec {
  next(afterMs: number): number | undefined;
}

/** A parse failure, with robfig/cron's wording. */
export class CronSyntaxError extends Error {}

function parseNumber(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new CronSyntaxError(`failed to parse int from ${text}`);
  const n = Number(text);
  if (n < 0) throw new CronSyntaxError(`negative number (${n}) not allowed: ${text}`);
  return n;
}

function parseIntOrName(text: string, b: Bounds): number {
  const named = b.names?.[text.toLowerCase()];
  return named ?? parseNumber(text);
}

function bitsOf(min: number, max: number, step: number): bigint {
  let bits = 0n;
  for (let i = min; i <= max; i += step) bits |= 1n << BigInt(i);
  return bits;
}

/** robfig/cron's getRange: `*`, `?`, `n`, `a-b`, each with an optional `/step` (`n/step` means n..max). */
export function cronRange(expr: string, b: Bounds): CronField {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNumber(rangeAndStep[1]);
    if (lowAndHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronSyntaxError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  return { bits: bitsOf(start, end, step), star };
}

/** robfig/cron's getField: a comma-separated list of ranges, ORed. */
export function cronField(field: string, b: Bounds): CronField {
  let bits = 0n;
  let star = false;
  for (const expr of field.split(',').filter((e) => e !== '')) {
    const r = cronRange(expr, b);
    bits |= r.bits;
    star ||= r.star;
  }
  return { bits, star };
}

const has = (f: CronField, v: number) => (f.bits & (1n << BigInt(v))) !== 0n;

/** The six fields of a crontab schedule in a zone. */
class SpecSchedule implements CronSpec {
  constructor(
    private readonly second: CronField,
    private readonly minute: CronField,
    private readonly hour: CronField,
    private readonly dom: CronField,
    private readonly month: CronField,
    private readonly dow: CronField,
    private readonly zone: Zone,
  ) {}

  private dayMatches(day: number, weekday: number): boolean {
    const domMatch = has(this.dom, day);
    const dowMatch = has(this.dow, weekday);
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(afterMs: number): number | undefined {
    const z = this.zone;
    // The upcoming whole second.
    let t = afterMs - (((afterMs % 1000) + 1000) % 1000) + 1000;
    let added = false;
    const yearLimit = z.wall(t).year + 5;
    for (;;) {
      let w = z.wall(t);
      if (w.year > yearLimit) return undefined;
      let wrapped = false;
      while (!has(this.month, w.month)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, 1, 0, 0, 0);
          w = z.wall(t);
        }
        t = z.date(w.year, w.month + 1, w.day, w.hour, w.minute, w.second);
        w = z.wall(t);
        if (w.month === 1) {
          wrapped = true;
          break;
        }
      }
      if (wrapped) continue;
      while (!this.dayMatches(w.day, w.weekday)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, w.day, 0, 0, 0);
          w = z.wall(t);
        }
        t = z.date(w.year, w.month, w.day + 1, w.hour, w.minute, w.second);
        w = z.wall(t);
        // Where DST moved midnight, come back to hour 0 (robfig/cron's Sao Paulo fix).
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = z.wall(t);
        }
        if (w.day === 1) {
          wrapped = true;
          break;
        }
      }
      if (wrapped) continue;
      while (!has(this.hour, w.hour)) {
        if (!added) {
          added = true;
          t = z.date(w.year, w.month, w.day, w.hour, 0, 0);
        }
        t += 3_600_000;
        w = z.wall(t);
        if (w.hour === 0) {
          wrapped = true;
          break;
        }
      }
      if (wrapped) continue;
      while (!has(this.minute, w.minute)) {
        if (!added) {
          added = true;
          t -= t % 60_000;
        }
        t += 60_000;
        w = z.wall(t);
        if (w.minute === 0) {
          wrapped = true;
          break;
        }
      }
      if (wrapped) continue;
      while (!has(this.second, w.second)) {
        if (!added) {
          added = true;
          t -= t % 1000;
        }
        t += 1000;
        w = z.wall(t);
        if (w.second === 0) {
          wrapped = true;
          break;
        }
      }
      if (wrapped) continue;
      return t;
    }
  }
}

/** `@every <duration>`: a fixed delay, whole seconds, at least one (robfig/cron's ConstantDelaySchedule). */
class ConstantDelay implements CronSpec {
  constructor(readonly delayMs: number) {}

  next(afterMs: number): number {
    return afterMs - (((afterMs % 1000) + 1000) % 1000) + this.delayMs;
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's `time.ParseDuration`, in milliseconds. */
export function parseGoDuration(text: string): number {
  const m = /^([+-]?)((?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+|0)$/.exec(text);
  if (!m) throw new CronSyntaxError(`failed to parse duration @every ${text}: time: invalid duration "${text}"`);
  let total = 0;
  for (const [, num, unit] of m[2].matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(num) * DURATION_UNITS[unit];
  }
  return m[1] === '-' ? -total : total;
}

const all = (b: Bounds): CronField => ({ bits: bitsOf(b.min, b.max, 1), star: true });
const only = (v: number): CronField => ({ bits: 1n << BigInt(v), star: false });

/** Options of `parseCronSpec`. */
export interface CronSpecOptions {
  /** IANA zone the fields are read in. */
  timeZone: string;
  /**
   * A leading seconds field, day-of-week optional (five or six fields), as
   * robfig/cron's own tests parse; Kubernetes' standard parser takes five
   * fields without seconds.
   */
  seconds?: boolean;
}

/**
 * Parses a schedule as robfig/cron's standard parser does: five fields
 * (minute hour day-of-month month day-of-week; with `seconds`, six) or a
 * descriptor (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
 * `@midnight`, `@hourly`, `@every <duration>`).
 *
 * @throws CronSyntaxError with robfig/cron's message.
 */
export function parseCronSpec(spec: string, options: CronSpecOptions): CronSpec {
  if (spec.length === 0) throw new CronSyntaxError('empty spec string');
  const zone = new Zone(options.timeZone);
  if (spec.startsWith('@')) return parseDescriptor(spec, zone);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (options.seconds ? fields.length < 5 || fields.length > 6 : fields.length !== 5) {
    const want = options.seconds ? '5 to 6' : 'exactly 5';
    throw new CronSyntaxError(`expected ${want} fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  const full = options.seconds ? [...fields, ...(fields.length === 5 ? ['*'] : [])] : ['0', ...fields];
  return new SpecSchedule(
    cronField(full[0], SECONDS),
    cronField(full[1], MINUTES),
    cronField(full[2], HOURS),
    cronField(full[3], DOM),
    cronField(full[4], MONTHS),
    cronField(full[5], DOW),
    zone,
  );
}

function parseDescriptor(spec: string, zone: Zone): CronSpec {
  const at = (dom: CronField, month: CronField, dow: CronField, hour = only(0)) =>
    new SpecSchedule(only(0), only(0), hour, dom, month, dow, zone);
  switch (spec) {
    case '@yearly':
    case '@annually':
      return at(only(1), only(1), all(DOW));
    case '@monthly':
      return at(only(1), all(MONTHS), all(DOW));
    case '@weekly':
      return at(all(DOM), all(MONTHS), only(0));
    case '@daily':
    case '@midnight':
      return at(all(DOM), all(MONTHS), all(DOW));
    case '@hourly':
      return at(all(DOM), all(MONTHS), all(DOW), all(HOURS));
  }
  if (spec.startsWith('@every ')) {
    const ms = parseGoDuration(spec.slice('@every '.length));
    return new ConstantDelay(ms < 1000 ? 1000 : ms - (ms % 1000));
  }
  throw new CronSyntaxError(`unrecognized descriptor: ${spec}`);
}
