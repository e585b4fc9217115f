/** Native journald entries, received on a datagram socket the test binds (no systemd here). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJournaldWriter, encodeJournalEntry } from '../../../src/core/journald.js';
import { createLogger } from '../../../src/core/logger.js';
import { bindUnixDatagram, closeFd, datagramSender, receiveDatagram } from '../../../src/transports/libc.js';
import { tempDir } from '../../helpers/daemon.js';

function parse(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < buf.length) {
    const nl = buf.indexOf(0x0a, i);
    const line = buf.subarray(i, nl).toString();
    const eq = line.indexOf('=');
    if (eq >= 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      i = nl + 1;
    } else {
      const len = Number(buf.readBigUInt64LE(nl + 1));
      out[line] = buf.subarray(nl + 9, nl + 9 + len).toString();
      i = nl + 9 + len + 1;
    }
  }
  return out;
}

describe('journald native protocol', () => {
  it('sends DEVICE, CODE, PRIORITY and the message as fields', async () => {
    const path = join(tempDir(), 'journal.sock');
    const server = bindUnixDatagram(path);
    const sender = datagramSender();
    const write = createJournaldWriter(sender, path, () => undefined);
    expect(write).toBeDefined();
    const log = createLogger({ level: 'info', journald: false, write: write! });
    log.child({ device: 'printer' }).warn({ code: 'PAPER_OUT' }, 'job refused');
    let got: Buffer | undefined;
    for (let i = 0; i < 100 && !got; i++) {
      got = receiveDatagram(server);
      if (!got) await new Promise((r) => setTimeout(r, 5));
    }
    const entry = parse(got!);
    expect(entry).toMatchObject({ MESSAGE: 'job refused', PRIORITY: '4', SYSLOG_IDENTIFIER: 'kioskd', DEVICE: 'printer', CODE: 'PAPER_OUT' });
    expect(JSON.parse(entry.KIOSKD_JSON!)).toMatchObject({ device: 'printer', code: 'PAPER_OUT' });
    sender.close();
    closeFd(server);
  });

  it('falls back to stdout for a line journald did not take', () => {
    const fallback: string[] = [];
    const write = createJournaldWriter({ send: () => 'EAGAIN' }, '/', (l) => fallback.push(l));
    write!('{"level":"info","msg":"x"}\n');
    expect(fallback).toEqual(['{"level":"info","msg":"x"}\n']);
  });

  it('encodes a multi-line message in the binary form', () => {
    const entry = parse(encodeJournalEntry('{"level":"error","msg":"line 1\\nline 2"}'));
    expect(entry.MESSAGE).toBe('line 1\nline 2');
    expect(entry.PRIORITY).toBe('3');
  });

  it('is not used where there is no journal socket', () => {
    expect(createJournaldWriter({ send: () => undefined }, join(tempDir(), 'none.sock'))).toBeUndefined();
    expect(createJournaldWriter(undefined, '/')).toBeUndefined();
  });
});
