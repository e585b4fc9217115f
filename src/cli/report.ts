/**
 * `kioskd report [--day YYYY-MM-DD] [--json]`: one day's KPIs from the running daemon (bridge op `kpi`);
 * `kioskd end-of-day [--print]`: close the day now (technician); `kioskd audit verify [--json]`: the audit
 * trail and the money journal checked against each other, offline (exit 2 with findings).
 */
import { join } from 'node:path';
import { kpiDailySchema, type KpiDaily } from '../api/fleet-records.js';
import type { KioskConfig } from '../daemon/config/schema.js';
import { verifyAudit } from '../health/audit/verify.js';
import { connectLocal, localTopics, requestLocal } from './common.js';

function pct(ready: number, fitted: number): string {
  return fitted > 0 ? `${((100 * ready) / fitted).toFixed(1)}%` : '-';
}

/** A KPI day as text (also the KPI section of `kioskd status`). */
export function renderKpi(k: KpiDaily): string {
  const out = [`KPIs ${k.day} (${k.tz})${k.final ? ', closed' : ''}`];
  for (const [name, d] of Object.entries(k.devices)) {
    const faults = Object.entries(d.faults).map(([c, n]) => `${c} ${n}`).join(', ') || 'no faults';
    out.push(`  ${name.padEnd(10)} available ${pct(d.readySec, d.fittedSec).padStart(6)} of ${Math.round(d.fittedSec / 60)} min; ${faults}${d.mtbfSec !== null ? `; MTBF ${Math.round(d.mtbfSec / 60)} min` : ''}`);
  }
  for (const s of k.services) out.push(`  ${s.service} ${s.method}${s.currency ? ` ${s.currency}` : ''}: ${s.started} started, ${s.completed} completed, ${s.failed} failed, amount ${s.amount}`);
  if (k.cash) out.push(`  cash ${k.cash.currency} by value: ${Object.entries(k.cash.denominations).map(([v, n]) => `${n} x ${v}`).join(', ')}`);
  if (k.consumables) out.push(`  consumables: ${Object.entries(k.consumables).map(([c, v]) => `${c} ${v}`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

async function ask(config: KioskConfig, op: string, payload: Record<string, unknown>, role: 'technician' | undefined, timeoutMs: number): Promise<{ status: string; data?: unknown; error?: { code: string; message: string } }> {
  const client = await connectLocal(config);
  try {
    return (await requestLocal(client, localTopics(config), role ? { role } : {}, op, payload, timeoutMs)) as { status: string; data?: unknown; error?: { code: string; message: string } };
  } finally {
    await client.endAsync(true);
  }
}

export async function reportCommand(config: KioskConfig, day: string | undefined, json: boolean): Promise<number> {
  if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    process.stderr.write('usage: kioskd report [--day YYYY-MM-DD] [--json]\n');
    return 64;
  }
  const res = await ask(config, 'kpi', day ? { day } : {}, undefined, 5000);
  if (res.status !== 'ok') {
    process.stderr.write(`kioskd report: ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}\n`);
    return 1;
  }
  const data = res.data as { days: string[]; kpi: unknown };
  if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (data.kpi === null) process.stdout.write(`no KPIs for ${day ?? 'today'}; days held: ${data.days.join(' ') || 'none'}\n`);
  else process.stdout.write(renderKpi(kpiDailySchema.parse(data.kpi)));
  return 0;
}

export async function endOfDayCommand(config: KioskConfig, print: boolean): Promise<number> {
  const res = await ask(config, 'end-of-day', print ? { print } : {}, 'technician', 60_000);
  if (res.status !== 'ok') {
    process.stderr.write(`kioskd end-of-day: ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}\n`);
    return 1;
  }
  const { settlement, printed } = res.data as { settlement: { settlementId: string; currency: string; card: { count: number; amount: number }; cash: { count: number; amount: number }; journal: { count: number; amount: number }; matches: boolean }; printed: boolean };
  const s = settlement;
  process.stdout.write(`${s.settlementId}: card ${s.card.count}/${s.card.amount}, cash ${s.cash.count}/${s.cash.amount}, journal ${s.journal.count}/${s.journal.amount} ${s.currency}: ${s.matches ? 'MATCHES' : 'DOES NOT MATCH'}${printed ? '; ticket printed' : ''}\n`);
  return s.matches ? 0 : 2;
}

export async function auditVerifyCommand(config: KioskConfig, json: boolean): Promise<number> {
  const journal = join(config.stateDir, 'journal', 'money.jsonl');
  const mirror = config.journal.mirrorPath ?? join(config.stateDir, 'journal-mirror', 'money.jsonl');
  const v = await verifyAudit(join(config.stateDir, 'audit'), journal, mirror);
  if (json) process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  else {
    process.stdout.write(`audit trail: ${v.records} records, ${v.verified} verify; head ${v.head ?? 'none'}\n`);
    for (const f of v.findings) process.stdout.write(`  ${f.kind.toUpperCase()} line ${f.line}: ${f.message}\n`);
    if (v.findings.length === 0) process.stdout.write('ok: nothing edited, deleted, reordered or cut\n');
  }
  return v.findings.length > 0 ? 2 : 0;
}
