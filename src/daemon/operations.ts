/**
 * Operations, as one unit of the composition root: the KPI book, the audit trail, end of day and the
 * Prometheus endpoint. It taps device states and health, follows the money journal (KPIs count it, the
 * audit trail records and pins it), audits every technician and fleet request, republishes today's KPIs
 * (bridge/kpi, retained; fleet `kpi`) and sends the audit and journal heads to the fleet.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Health, ResponseEnvelope } from '../api/envelope.js';
import type { DaemonTap } from '../api/tap.js';
import type { IncomingRequest, RequestHandler } from '../bus/request-router.js';
import type { Clock, Timer } from '../core/clock.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/logger.js';
import type { Role } from '../core/roles.js';
import { sha256 } from '../health/audit/diagnose.js';
import { auditOfMoney, pinnedJournalHead } from '../health/audit/money.js';
import { AuditTrail } from '../health/audit/trail.js';
import { localTime } from '../health/kpi/calendar.js';
import { Kpis } from '../health/kpi/kpis.js';
import { renderMetrics } from '../health/metrics.js';
import type { KioskConfig } from './config/schema.js';
import { EndOfDay, type EndOfDayResult } from './end-of-day.js';

export interface OperationsHost {
  config: KioskConfig;
  kioskId: string;
  bootId: string;
  version: string;
  clock: Clock;
  log: Logger;
  kindOf(device: string): string;
  devices(): Array<{ name: string; kind: string; enabled: boolean }>;
  request(req: IncomingRequest): Promise<ResponseEnvelope>;
  fleetRecord(kind: 'kpi' | 'settlement' | 'audit', body: unknown): Promise<void>;
  fleetQueued(): number | undefined;
  publishRetained(topic: string, payload: string): void;
  kpiTopic: string;
}

const AUDITED_ROLES: ReadonlySet<Role> = new Set(['technician', 'fleet']);

export class Operations implements DaemonTap {
  readonly kpis: Kpis;
  readonly audit: AuditTrail | undefined;
  readonly endOfDay: EndOfDay;
  metricsUrl: string | undefined;
  readonly auditDir: string;
  private journal: Journal | undefined;
  private lastHealth: Health | undefined;
  private readonly timers: Timer[] = [];
  private server: Server | undefined;
  private unfollow: Array<() => void> = [];

  constructor(private readonly h: OperationsHost) {
    const { config, clock, log } = h;
    const op = config.operations;
    const cashCurrency = config.devices.cash?.currency;
    this.kpis = new Kpis({ path: join(config.stateDir, 'kpi', 'kpi.json'), tz: op.timeZone, clock, log: log.child({ component: 'kpi' }), kindOf: (d) => h.kindOf(d), defaultCashCurrency: cashCurrency });
    this.auditDir = join(config.stateDir, 'audit');
    this.audit = op.audit.enabled ? new AuditTrail({ dir: this.auditDir, clock, log: log.child({ component: 'audit' }) }) : undefined;
    const enabled = (kind: string): string | undefined => h.devices().find((d) => d.kind === kind && d.enabled)?.name;
    this.endOfDay = new EndOfDay({
      kioskId: h.kioskId, clock, log: log.child({ component: 'end-of-day' }), kpis: this.kpis,
      currency: op.endOfDay.currency ?? config.devices.card?.currency ?? cashCurrency ?? 'AED',
      defaultCashCurrency: cashCurrency,
      journal: () => this.journal,
      card: enabled('card'),
      printer: op.endOfDay.printer,
      request: (device, command, input, role, requester) =>
        h.request({ target: { scope: 'device', target: device, command }, payload: Buffer.from(JSON.stringify(input)), retain: false, requester, role }),
      fleetRecord: (kind, body) => h.fleetRecord(kind, body),
      publishKpi: () => this.publishKpi(),
    });
  }

  async start(): Promise<void> {
    const { config, clock } = this.h;
    await this.audit?.open();
    await this.auditBoot();
    await this.kpis.start();
    const op = config.operations;
    if (op.kpi.enabled) this.timers.push(clock.setInterval(() => this.publishKpi(true), op.kpi.publishSec * 1000));
    if (this.audit) this.timers.push(clock.setInterval(() => void this.sendHeads(), op.audit.headSec * 1000));
    if (op.endOfDay.at !== undefined) this.timers.push(clock.setInterval(() => void this.maybeEndOfDay(op.endOfDay.at as string), 30_000));
    if (op.metrics.enabled) await this.startMetrics();
  }

  /** The money journal's hooks (MoneyJournal options). */
  expectJournalHead(): { seq: number; hash: string } | undefined {
    return this.audit ? pinnedJournalHead(this.audit.list()) : undefined;
  }

  journalOpened(journal: Journal, after: { recovered: boolean }): void {
    this.journal = journal;
    for (const u of this.unfollow) u();
    const pinned = this.expectJournalHead()?.seq ?? 0;
    const audit = (e: Parameters<typeof auditOfMoney>[0], hash: string): void => {
      const a = auditOfMoney(e, hash);
      void this.audit?.append(a.stream, a.type, a.key, a.data);
    };
    if (after.recovered && journal.length > 0) {
      void this.audit?.append('journal', 'journal.rebased', 'money', { journalSeq: journal.length, journalHash: journal.hashAt(journal.length), pinnedBefore: pinned });
    } else for (const e of journal.list()) if (e.seq > pinned) audit(e, journal.hashAt(e.seq) ?? '');
    this.unfollow = [
      journal.onAppend((e, hash) => audit(e, hash)),
      this.kpis.followJournal(journal.list(), (listener) => journal.onAppend((e) => listener(e))),
    ];
  }

  /** Wrap the router: every technician and fleet request is audited with who asked and how it ended. */
  audited(inner: RequestHandler): RequestHandler {
    return {
      handle: async (req) => {
        const res = await inner.handle(req);

        if (this.audit && AUDITED_ROLES.has(req.role)) {
          const t = req.target;
          void this.audit.append('op', `${t.scope}.${t.command}`, t.target, {
            role: req.role, requester: req.requester ?? null, status: res.status, ...(res.status === 'error' ? { code: res.error.code } : {}), ...whoFields(req.payload),
          });
        }
        return res;
      },
    };
  }

  state(device: string, state: Parameters<NonNullable<DaemonTap['state']>>[1]): void {
    this.kpis.state(device, state);
    const box = (state.detail as { cashbox?: { count?: unknown; capacity?: unknown } } | undefined)?.cashbox;
    if (typeof box?.count === 'number' && typeof box.capacity === 'number') this.kpis.consumables({ cashboxNotes: box.count, cashboxCapacity: box.capacity });
  }

  /** A printer's finished job says how much paper it fed (src/drivers/printer/paper-meter.ts). */
  event(_device: string, event: string, payload: unknown): void {
    const p = payload as { phase?: unknown; paperMm?: unknown } | undefined;
    if (event === 'progress' && p?.phase === 'done' && typeof p.paperMm === 'number' && p.paperMm > 0) this.kpis.paperUsed(p.paperMm);
  }

  health(health: Health): void {
    this.lastHealth = health;
  }

  publishKpi(toFleet = false): void {
    const summary = this.kpis.summary();
    if (!summary) return;
    this.h.publishRetained(this.h.kpiTopic, JSON.stringify(summary));
    if (toFleet) void this.h.fleetRecord('kpi', summary);
  }

  birth(): Array<{ topic: string; payload: string }> {
    const summary = this.kpis.summary();
    return summary ? [{ topic: this.h.kpiTopic, payload: JSON.stringify(summary) }] : [];
  }

  metrics(): string {
    return renderMetrics({
      kioskId: this.h.kioskId, health: this.lastHealth, kpi: this.kpis.summary(), auditLength: this.audit?.head().length,
      journalLength: this.journal?.length, fleetQueued: this.h.fleetQueued(),
    });
  }

  closeDay(requester: string, print?: boolean): Promise<EndOfDayResult> {
    return this.endOfDay.close(requester, print);
  }

  async sendHeads(): Promise<void> {
    const at = this.h.clock.iso();
    if (this.audit) {
      const head = this.audit.head();
      if (head.length > 0) await this.h.fleetRecord('audit', { chain: 'audit', length: head.length, head: head.head, at });
    }
    const j = this.journal;
    if (j && j.length > 0) {
      const last = j.list().at(-1);
      await this.h.fleetRecord('audit', { chain: 'money', length: j.length, head: sha256(`${last?.seq}:${j.hashAt(j.length)}`), at });
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) this.h.clock.clearInterval(t);
    this.timers.length = 0;
    for (const u of this.unfollow) u();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.kpis.stop();
    await this.audit?.close();
  }

  private async maybeEndOfDay(at: string): Promise<void> {
    const now = localTime(this.h.clock.now(), this.h.config.operations.timeZone);
    const last = this.kpis.requireBook().state.lastSettlement;
    if (now.hhmm < at || last?.day === now.day || !this.journal) return;
    await this.closeDay('schedule').catch((err: unknown) => this.h.log.error({ err }, 'scheduled end of day failed'));
  }

  private async auditBoot(): Promise<void> {
    if (!this.audit) return;
    const configHash = createHash('sha256').update(JSON.stringify(this.h.config)).digest('hex');
    const previous = this.audit.list({ type: 'daemon.started' }).at(-1)?.data.configHash;
    if (typeof previous === 'string' && previous !== configHash) await this.audit.append('config', 'config.changed', 'config', { from: previous, to: configHash });
    await this.audit.append('daemon', 'daemon.started', this.h.bootId, { version: this.h.version, configHash });
  }

  private async startMetrics(): Promise<void> {
    const { host, port } = this.h.config.operations.metrics;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.metrics());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const a = server.address() as { port: number };
    this.metricsUrl = `http://${host}:${a.port}/metrics`;
    this.h.log.info({ url: this.metricsUrl }, 'metrics endpoint listening');
  }
}

/** Who a technician said they are and why (never the rest of the payload: it may carry amounts or references). */
function whoFields(payload: Buffer): Record<string, string> {
  try {
    const o = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const k of ['technician', 'by', 'reason', 'resolution', 'device', 'level']) if (typeof o[k] === 'string') out[k] = (o[k]).slice(0, 200);
    return out;
  } catch {
    return {};
  }
}
