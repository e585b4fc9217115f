/**
 * `kioskd journal verify|recover`: the technician's view of the money journal.
 *
 * - `verify` reads both copies (journal and mirror) without writing: how many records verify in each,
 *   and why the journal would refuse to open (file, line, reason). Works with the daemon stopped.
 *   Exit 0 when it would open, 2 when it refuses.
 * - `recover --technician NAME --reason TEXT [--prefer journal|mirror]` asks the running daemon (its
 *   `journal-recover` operation, on the technician's namespace) to recover a journal that refused to
 *   open: the daemon keeps the longest verified history, moves the damaged files aside, records who did
 *   it and restarts the money devices. Exit 0 when recovered.
 */
import { join } from 'node:path';
import type { KioskConfig } from '../daemon/config/schema.js';
import { inspectJournal, type CopyReport } from '../core/journal-recover.js';
import { connectLocal, localTopics, requestLocal } from './common.js';

function paths(config: KioskConfig): { path: string; mirrorPath: string } {
  return { path: join(config.stateDir, 'journal', 'money.jsonl'), mirrorPath: config.journal.mirrorPath ?? join(config.stateDir, 'journal-mirror', 'money.jsonl') };
}

function describe(c: CopyReport): string {
  if (!c.exists) return `${c.file}: missing`;
  const torn = c.tornBytes > 0 ? `, then a torn write of ${c.tornBytes} bytes` : '';
  const damage = c.damage ? `, then damage at line ${c.damage.line}: ${c.damage.reason}` : '';
  return `${c.file}: ${c.records} records verify${torn}${damage}`;
}

/** `kioskd journal verify [--json]`: exit 0 when the journal would open, 2 when it refuses. */
export async function journalVerify(config: KioskConfig, json: boolean): Promise<number> {
  const { path, mirrorPath } = paths(config);
  const report = await inspectJournal(path, mirrorPath);
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`${describe(report.journal)}\n${describe(report.mirror)}\n`);
    process.stdout.write(
      report.refusal
        ? `REFUSES TO OPEN: ${report.refusal.file} line ${report.refusal.line}: ${report.refusal.reason}\n  -> kioskd journal recover --technician NAME --reason TEXT\n`
        : 'ok: the journal opens (a torn final write, if any, is cut and logged at the next start)\n',
    );
  }
  return report.refusal ? 2 : 0;
}

export interface RecoverOptions {
  technician?: string | undefined;
  reason?: string | undefined;
  prefer?: string | undefined;
}

/** `kioskd journal recover`: asks the running daemon; exit 64 without a technician and a reason. */
export async function journalRecover(config: KioskConfig, o: RecoverOptions): Promise<number> {
  const { technician, reason, prefer } = o;
  if (!technician || !reason || (prefer !== undefined && prefer !== 'journal' && prefer !== 'mirror')) {
    process.stderr.write('usage: kioskd journal recover --technician NAME --reason TEXT [--prefer journal|mirror]\n');
    return 64;
  }
  const client = await connectLocal(config);
  try {
    const payload = { technician, reason, ...(prefer ? { prefer } : {}) };
    const res = (await requestLocal(client, localTopics(config), { role: 'technician' }, 'journal-recover', payload, 30_000)) as {
      status: string;
      data?: { from: string; kept: number; quarantined: unknown[]; movedAside: string[]; devices: Record<string, string> };
      error?: { code: string; message: string };
    };
    if (res.status !== 'ok' || !res.data) {
      process.stderr.write(`kioskd journal recover: ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}\n`);
      return 1;
    }
    const d = res.data;
    process.stdout.write(`recovered from the ${d.from}: ${d.kept} records kept; ${d.quarantined.length} keys quarantined; damaged files moved to:\n`);
    for (const f of d.movedAside) process.stdout.write(`  ${f}\n`);
    process.stdout.write(`devices: ${Object.entries(d.devices).map(([n, s]) => `${n} ${s}`).join(', ')}\n`);
    return 0;
  } finally {
    await client.endAsync(true);
  }
}
