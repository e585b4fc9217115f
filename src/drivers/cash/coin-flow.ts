/**
 * Coins, host side. A coin acceptor has no escrow: it takes a coin and reports it in its 5-deep credit
 * buffer with an event counter. The buffer is re-read idempotently, so durability only needs the counter
 * of the last event journaled: each `coin.credited` carries its own event's counter, and after any crash
 * the events after the journaled counter are the new ones (lost ones, if more than 5 came meanwhile, are
 * reported). Coins that could overpay are inhibited before they can be inserted.
 */
import type { DriverHost } from '../../core/driver.js';
import type { Logger } from '../../core/logger.js';
import type { CashApi } from './api.js';
import { coinErrorReason, isCoinFraud } from './cctalk/codec.js';
import type { CoinAcceptor } from './coins.js';
import type { Ledger } from './ledger.js';
import type { Session } from './session.js';

export interface CoinFlowDeps {
  ledger: Ledger;
  coins: CoinAcceptor;
  log: Logger;
  host: DriverHost<CashApi>;
  maxOverpay: number;
  session(): Session | undefined;
  blocked(): boolean;
  money<T>(fn: () => Promise<T>): Promise<T>;
  fraud(): void;
  late(sessionId: string): void;
  /** Whether this change could be paid now for the session (an overpaying coin is then accepted). */
  changePayable(s: Session, change: number): boolean;
  /** Coins that fit are now accepted for this session. */
  opened(session: Session): void;
}

/** Counter of the event `back` places before `counter` (1..255, wrapping past 0). */
function counterBefore(counter: number, back: number): number {
  let c = counter - back;
  while (c < 1) c += 255;
  return c;
}

export class CoinFlow {
  constructor(private readonly d: CoinFlowDeps) {}

  /** One cycle: set inhibits for the session, read the buffer, journal and publish what is new. */
  async step(): Promise<void> {
    const { coins, ledger, log } = this.d;
    const s = this.d.session();
    const open = s !== undefined && !s.ending && !this.d.blocked();
    const room = s ? s.amountDue + this.d.maxOverpay - ledger.totalOf(s.id) : 0;
    const fits = (value: number): boolean => value <= room || (s !== undefined && room > 0 && this.d.changePayable(s, value - room));
    await coins.accept(open ? coins.coins.filter((c) => fits(c.value) && s.currency.startsWith(c.country)).map((c) => c.position) : []);
    if (open && !s.coinsOpen) this.d.opened(s);
    const read = await coins.read(ledger.lastCoinCounter);
    if (read.reset) {
      log.warn('coin acceptor reset: its event buffer and inhibits started again');
      coins.forgetInhibits();
    }
    if (read.lost > 0) {
      log.error({ lost: read.lost }, 'coin events lost (more than 5 since the last read)');
      this.d.host.noteError('CASH_COINS_LOST');
      await ledger.record('coin.lost', s?.id ?? 'none', { count: read.lost, counter: read.counter });
    }
    for (const [i, e] of read.events.entries()) {
      const counter = counterBefore(read.counter, read.events.length - 1 - i);
      if (e.kind === 'coin') await this.credit(coins.valueOf(e.position), e.position, counter);
      else if (e.code !== 0) this.reject(e.code);
    }
    if (read.counter !== ledger.lastCoinCounter) await ledger.record('coin.counter', 'coins', { counter: read.counter });
  }

  private async credit(value: number, position: number, counter: number): Promise<void> {
    const { ledger, host } = this.d;
    await this.d.money(async () => {
      const s = this.d.session();
      const key = s?.id ?? ledger.orphanKey();
      const total = ledger.totalOf(key) + value;
      await ledger.record('coin.credited', key, { value, position, counter, total });
      host.count('coinsAccepted');
      host.emit('credit', {
        sessionId: key === 'none' ? null : key, value, total, currency: s?.currency ?? ledger.session(key)?.currency ?? 'XXX', source: 'coin', recovered: s === undefined,
        ...(s?.transaction ? { transaction: s.transaction } : {}),
      });
      if (ledger.session(key)?.late) this.d.late(key);
    });
  }

  private reject(code: number): void {
    if (isCoinFraud(code)) this.d.fraud();
    const s = this.d.session();
    this.d.host.emit('rejected', { source: 'coin', reason: coinErrorReason(code), ...(s?.transaction ? { transaction: s.transaction } : {}) });
  }
}
