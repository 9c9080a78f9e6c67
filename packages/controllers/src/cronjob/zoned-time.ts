/**
 * Wall-clock arithmetic in an IANA time zone with Go's `time` semantics,
 * which robfig/cron (and so Kubernetes' CronJob controller) relies on:
 * `date()` normalizes out-of-range fields as `time.Date` does and resolves a
 * wall time skipped or repeated by a DST change the way Go does.
 * Instants are Unix epoch milliseconds.
 */

/** The calendar fields of an instant in a zone. */
export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 (Sunday) .. 6 */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is a time zone name the runtime's tz database knows (Go's `time.LoadLocation` succeeding). */
export function isKnownTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** A time zone: wall fields of instants, offsets, and Go's `time.Date` in it. */
export class Zone {
  constructor(readonly name: string) {
    formatterFor(name);
  }

  /** The wall-clock fields of `ms` here. */
  wall(ms: number): WallTime {
    const parts: Record<string, number> = {};
    for (const p of formatterFor(this.name).formatToParts(new Date(ms))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const { year, month, day, hour, minute, second } = parts;
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    return { year, month, day, hour, minute, second, weekday };
  }

  /** The zone's offset from UTC at instant `ms`, in milliseconds (whole seconds). */
  offset(ms: number): number {
    const w = this.wall(ms);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
  }

  /**
   * Go's `time.Date(year, month, day, hour, minute, second, 0, zone)`:
   * out-of-range fields roll over (month 13 is January next year); a wall
   * time that exists twice or never (DST) is placed with the offset Go
   * picks: the one in force at (wall time read as UTC) minus that offset.
   */
  date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const first = this.offset(wall);
    return wall - this.offset(wall - first);
  }
}
