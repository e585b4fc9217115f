/**
 * The kiosk's local calendar: which day and hour an instant falls in, in the configured IANA time zone
 * (Intl, no dependency), and where the next hour starts so time can be split at hour boundaries.
 */
export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  readonly day: string;
  /** 0-23 in the zone. */
  readonly hour: number;
  /** HH:MM in the zone. */
  readonly hhmm: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(tz, f);
  }
  return f;
}

/** Throws RangeError for a zone Intl does not know (config validation calls it). */
export function localTime(ms: number, tz: string): LocalTime {
  const parts = Object.fromEntries(format(tz).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour, hhmm: `${String(hour).padStart(2, '0')}:${parts.minute}` };
}

/**
 * The next UTC quarter hour after `ms`. Every zone's offset is a whole number of quarter hours (Nepal's
 * +05:45 included), so a span cut at quarter hours never straddles a local hour or day.
 */
export function nextQuarter(ms: number): number {
  const quarter = 15 * 60_000;
  return Math.floor(ms / quarter) * quarter + quarter;
}

export function isTimeZone(tz: string): boolean {
  try {
    localTime(0, tz);
    return true;
  } catch {
    return false;
  }
}
