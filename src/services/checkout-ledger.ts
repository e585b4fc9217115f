/**
 * The checkout view of the money journal (stream `checkout`, key = the checkout's idempotency key),
 * pure: every step is journaled (fsync, hash chain) BEFORE the device is asked to do it, and its outcome
 * after, so that after a kill -9 each checkout is known to be before, inside or after each step.
 *
 * Entry types:
 * - checkout.started {service, amount, currency, method, cashAmount?, reference, language}
 * - cash.started {n, due, transaction}; cash.ended {n, status, total, sessionId?, paidOut?, recovered?}
 *   (paidOut: what the cash driver gave back — change when status is paid, else repay of the deposit)
 * - card.started {n, cardKey, amount}; card.ended {n, result, amount, charged?, reason?, masked?, brand?, authCode?}
 * - receipt.started {printKey}; receipt.ended {result: printed|failed|uncertain, code?}
 * - checkout.suspended {reason}; checkout.resumed {}; checkout.ended {state}
 * - attention.raised {reason}; attention.resolved {technician, resolution, requester}
 */
import type { KioskLanguage, PaymentMethod } from '../api/catalogue.js';
import type { CheckoutRecord } from '../api/checkout.js';
import type { JournalEntry } from '../core/journal.js';

export const CHECKOUT_STREAM = 'checkout';

export interface CheckoutParams {
  service: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  cashAmount?: number | undefined;
  reference: string;
  language: KioskLanguage;
}

export interface CheckoutView {
  key: string;
  params: CheckoutParams;
  state: CheckoutRecord['state'];
  /** Cash kept (taken minus repaid). */
  cash: number;
  card: number;
  /** Change the cash driver paid out. */
  changeGiven: number;
  cardInfo?: CheckoutRecord['card'];
  receipt: CheckoutRecord['receipt'];
  attention?: NonNullable<CheckoutRecord['attention']> | undefined;
  startedAt: string;
  endedAt?: string | undefined;
  recovered: boolean;
  cashRuns: number;
  cardRuns: number;
  /** A cash step journaled as started and not (yet) as ended. */
  openCash?: { n: number; transaction: string } | undefined;
  openCard?: { n: number; cardKey: string; amount: number } | undefined;
  openReceipt?: string | undefined;
  /** Cash sessions of the driver this checkout used (to settle them as `applied`). */
  cashSessions: string[];
}

const FINAL = new Set<CheckoutRecord['state']>(['paid', 'cancelled', 'declined']);

export function isFinal(v: CheckoutView): boolean {
  return FINAL.has(v.state) || v.state === 'attention';
}

/**
 * What `checkout.ended` carries beside its state, so that one record is enough to count outcomes by
 * service, method and amount (the KPI recorder): never a card number or the citizen's reference.
 */
export function outcomeOf(v: CheckoutView): { service: string; method: string; amount: number; currency: string; paid: { cash: number; card: number } } {
  return { service: v.params.service, method: v.params.method, amount: v.params.amount, currency: v.params.currency, paid: { cash: v.cash, card: v.card } };
}

export function recordOf(v: CheckoutView): CheckoutRecord {
  const p = v.params;
  return {
    idempotencyKey: v.key, reference: p.reference, service: p.service, amount: p.amount, currency: p.currency, method: p.method, language: p.language,
    state: v.state, paid: { cash: v.cash, card: v.card }, change: Math.max(0, v.cash + v.card - p.amount), ...(v.changeGiven > 0 ? { changeGiven: v.changeGiven } : {}),
    ...(v.cardInfo ? { card: v.cardInfo } : {}), receipt: v.receipt, ...(v.attention ? { attention: v.attention } : {}),
    startedAt: v.startedAt, ...(v.endedAt ? { endedAt: v.endedAt } : {}), recovered: v.recovered,
  };
}

export class CheckoutLedger {
  private readonly views = new Map<string, CheckoutView>();

  get(key: string): CheckoutView | undefined {
    return this.views.get(key);
  }

  /** The newest checkout with this reference. */
  byReference(reference: string): CheckoutView | undefined {
    return [...this.views.values()].reverse().find((v) => v.params.reference === reference);
  }

  all(): CheckoutView[] {
    return [...this.views.values()];
  }

  apply(e: JournalEntry): void {
    const d = e.data;
    const num = (k: string): number => (typeof d[k] === 'number' ? d[k] : 0);
    const str = (k: string): string => (typeof d[k] === 'string' ? d[k] : '');
    if (e.type === 'checkout.started') {
      const params: CheckoutParams = {
        service: str('service'), amount: num('amount'), currency: str('currency'), method: str('method') as PaymentMethod,
        ...(typeof d.cashAmount === 'number' ? { cashAmount: d.cashAmount } : {}), reference: str('reference'), language: str('language') as KioskLanguage,
      };
      this.views.set(e.key, {
        key: e.key, params, state: params.method === 'card' ? 'card' : 'cash', cash: 0, card: 0, changeGiven: 0, receipt: 'none', startedAt: e.at,
        recovered: false, cashRuns: 0, cardRuns: 0, cashSessions: [],
      });
      return;
    }
    const v = this.views.get(e.key);
    if (!v) return;
    switch (e.type) {
      case 'cash.started':
        v.state = 'cash';
        v.cashRuns = num('n');
        v.openCash = { n: num('n'), transaction: str('transaction') };
        break;
      case 'cash.ended':
        v.openCash = undefined;
        if (str('status') === 'paid') {
          v.cash += num('total');
          v.changeGiven += num('paidOut');
        } else v.cash += num('total') - num('paidOut');
        if (str('sessionId')) v.cashSessions.push(str('sessionId'));
        if (d.recovered === true) v.recovered = true;
        break;
      case 'card.started':
        v.state = 'card';
        v.cardRuns = num('n');
        v.openCard = { n: num('n'), cardKey: str('cardKey'), amount: num('amount') };
        break;
      case 'card.ended':
        v.openCard = undefined;
        if (d.recovered === true) v.recovered = true;
        if (str('result') === 'approved') {
          v.card += num('amount');
          if (str('masked')) v.cardInfo = { masked: str('masked'), brand: str('brand'), ...(str('authCode') ? { authCode: str('authCode') } : {}) };
        }
        break;
      case 'receipt.started':
        v.state = 'printing';
        v.openReceipt = str('printKey');
        break;
      case 'receipt.ended':
        v.openReceipt = undefined;
        v.receipt = str('result') as CheckoutView['receipt'];
        break;
      case 'checkout.suspended':
        v.state = 'suspended';
        break;
      case 'checkout.resumed':
        if (v.attention === 'CREDIT_HELD') v.attention = undefined;
        break;
      case 'checkout.ended':
        v.state = str('state') as CheckoutView['state'];
        v.endedAt = e.at;
        break;
      case 'attention.raised':
        v.attention = str('reason') as CheckoutView['attention'];
        break;
      case 'attention.resolved':
        v.attention = undefined;
        break;
      default:
        break;
    }
  }
}
