/** Faults and the retained state of the cash device (status + detail, including the cashbox). */
import type { CommandOutput, DeviceStatus, DriverHost } from '../../core/driver.js';
import type { CashApi } from './api.js';
import type { CoinAcceptor } from './coins.js';
import type { CashConfig } from './config.js';
import { summary, type Ledger } from './ledger.js';
import type { Conditions } from './note-flow.js';
import type { Session } from './session.js';
import type { NoteValidator } from './validator.js';
import type { PayoutDetail } from './payout/types.js';

export class CashState {
  jam = false;
  full = false;
  removed = false;
  /** Sticky: a fraud attempt stays a fault until a technician clears it. */
  fraud = false;
  currencyMismatch = false;
  /** The money journal failed: nothing may be taken until the daemon restarts. */
  journalFailed = false;

  constructor(
    private readonly config: CashConfig,
    private readonly host: DriverHost<CashApi>,
  ) {}

  /** Apply the conditions of one poll reply; true when a fault appeared or went. */
  update(c: Conditions): boolean {
    const before = this.faults().join();
    this.jam = c.jam;
    this.full = c.full;
    this.removed = c.removed;
    this.fraud ||= c.fraud;
    return before !== this.faults().join();
  }

  clearFraud(): void {
    this.fraud = false;
  }

  /** Active fault codes, most urgent first. */
  faults(): string[] {
    const codes: string[] = [];
    if (this.jam) codes.push('CASH_JAM');
    if (this.fraud) codes.push('CASH_FRAUD');
    if (this.removed) codes.push('CASH_CASHBOX_REMOVED');
    if (this.full) codes.push('CASH_CASHBOX_FULL');
    if (this.currencyMismatch) codes.push('CASH_CURRENCY_MISMATCH');
    if (this.journalFailed) codes.push('JOURNAL_UNAVAILABLE');
    return codes;
  }

  cashbox(ledger: Ledger): CommandOutput<CashApi, 'status'>['cashbox'] {
    const box = ledger.cashbox;
    const { capacity, nearFullPercent } = this.config.cashbox;
    return {
      notes: { ...box.notes },
      count: box.count,
      value: box.value,
      coinsValue: box.coinsValue,
      capacity,
      nearFull: box.count >= Math.ceil((capacity * nearFullPercent) / 100),
      full: this.full || box.count >= capacity,
      present: !this.removed,
      lastEmptiedAt: box.lastEmptiedAt,
    };
  }

  publish(ledger: Ledger, session: Session | undefined, link: { connected: boolean; coins: boolean; accepting: boolean; validator: NoteValidator | undefined; payout: PayoutDetail | null }): void {
    const faults = this.faults();
    const status: DeviceStatus = this.journalFailed ? 'fault' : !link.connected ? 'offline' : faults.length > 0 ? 'fault' : session ? 'busy' : 'ready';
    const open = session ? ledger.session(session.id) : undefined;
    this.host.setState(status, {
      currency: link.validator?.setup?.currency ?? null,
      encrypted: link.validator?.encrypted ?? false,
      coinAcceptor: link.coins,
      accepting: link.accepting,
      session: open ? summary(open) : null,
      unsettled: ledger.unsettled().map(summary),
      cashbox: this.cashbox(ledger),
      fault: faults.length > 0 ? { code: faults[0] ?? '', codes: faults } : null,
      payout: link.payout,
    });
  }

  status(ledger: Ledger, session: Session | undefined, validator: NoteValidator | undefined, coins: CoinAcceptor | undefined): Omit<CommandOutput<CashApi, 'status'>, 'payout'> {
    const open = session ? ledger.session(session.id) : undefined;
    return {
      session: open ? summary(open) : null,
      unsettled: ledger.unsettled().map(summary),
      cashbox: this.cashbox(ledger),
      channels: (validator?.setup?.channels ?? []).map((c) => ({ channel: c.channel, value: c.value, currency: c.currency })),
      coins: (coins?.coins ?? []).map((c) => ({ position: c.position, value: c.value })),
      faults: this.faults(),
    };
  }
}
