/**
 * journald's native protocol: each log line becomes one datagram to /run/systemd/journal/socket with
 * structured fields, so a technician can filter with `journalctl -u kioskd DEVICE=printer CODE=PAPER_OUT`.
 * Fields: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, DEVICE, CODE, COMPONENT, and KIOSKD_JSON (the whole
 * line). The datagrams go out through a sender the process entry supplies (src/transports/libc.ts);
 * `createJournaldWriter` returns undefined where there is none or no socket, and the caller keeps
 * writing to stdout.
 */
import { existsSync } from 'node:fs';

export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

const PRIORITY: Record<string, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };
/** pino field -> journal field; values are flattened to strings. */
const FIELDS: Record<string, string> = { device: 'DEVICE', code: 'CODE', component: 'COMPONENT', requester: 'REQUESTER' };

/** Sends one datagram without blocking; returns the errno name when it could not. */
export interface DatagramSender {
  send(data: Buffer, path: string): string | undefined;
}

/** Encode one field; values with a newline use the binary form (name, LE64 length, bytes). */
function field(name: string, value: string): Buffer {
  if (!value.includes('\n')) return Buffer.from(`${name}=${value}\n`, 'utf8');
  const bytes = Buffer.from(value, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(bytes.length));
  return Buffer.concat([Buffer.from(`${name}\n`), len, bytes, Buffer.from('\n')]);
}

/** Turn one pino JSON line into a journal datagram. */
export function encodeJournalEntry(line: string, identifier = 'kioskd'): Buffer {
  const json = line.trimEnd();
  let obj: Record<string, unknown> = {};
  try {
    obj = JSON.parse(json) as Record<string, unknown>;
  } catch {
    /* not JSON: send as message */
  }
  const parts = [
    field('MESSAGE', typeof obj.msg === 'string' ? obj.msg : json),
    field('PRIORITY', String(PRIORITY[String(obj.level)] ?? 6)),
    field('SYSLOG_IDENTIFIER', identifier),
  ];
  for (const [key, name] of Object.entries(FIELDS)) {
    const v = obj[key];
    if (typeof v === 'string' || typeof v === 'number') parts.push(field(name, String(v)));
  }
  parts.push(field('KIOSKD_JSON', json));
  return Buffer.concat(parts);
}

/** A line writer to journald, or undefined when it cannot be had (then log to stdout). */
export function createJournaldWriter(
  sender: DatagramSender | undefined,
  socketPath = JOURNAL_SOCKET,
  fallback: (line: string) => void = (l) => process.stdout.write(l),
): ((line: string) => void) | undefined {
  if (!sender || !existsSync(socketPath)) return undefined;
  return (line: string) => {
    const entry = encodeJournalEntry(line);
    // Entries over a datagram's size would need a memfd; those rare lines go to stdout instead, as
    // does a line journald could not take (its queue full: EAGAIN).
    if (entry.length > 200_000 || sender.send(entry, socketPath) !== undefined) fallback(line);
  };
}
