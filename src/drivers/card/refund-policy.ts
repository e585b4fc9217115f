/**
 * When a refund may go to the terminal. Every refund pays back an approved sale recorded in this
 * kiosk's journal (`saleKey`), in its currency, and never more than what is left of it after earlier
 * refunds (approved, pending or of unknown outcome) — and not at all once it was reversed. The UI role
 * may refund at most `devices.card.refunds.uiLimit` per refund (0: not at all); a technician is bound
 * only by the sale. Pure: reads the ledger, throws the refusal.
 */
import { KioskError } from '../../core/errors.js';
import type { Role } from '../../core/roles.js';
import type { CardLedger } from './ledger.js';

export interface RefundRequest {
  readonly amount: number;
  readonly currency: string;
  readonly saleKey: string;
}

export function checkRefund(ledger: CardLedger, req: RefundRequest, role: Role, uiLimit: number): void {
  const sale = ledger.get(req.saleKey);
  if (!sale || sale.operation !== 'sale' || sale.outcome?.result !== 'approved') {
    throw new KioskError('CARD_REFUND_NO_SALE', `no approved sale with idempotency key ${req.saleKey} in this kiosk's journal`);
  }
  if (sale.reversal && sale.reversal.outcome?.result !== 'declined' && sale.reversal.outcome?.result !== 'failed') {
    throw new KioskError('CARD_REFUND_NO_SALE', `sale ${req.saleKey} was reversed (or its reversal is being reconciled)`);
  }
  if (sale.currency !== req.currency) {
    throw new KioskError('CARD_REFUND_EXCEEDS_SALE', `sale ${req.saleKey} was in ${sale.currency}, not ${req.currency}`);
  }
  const left = sale.amount - ledger.refundedAgainst(req.saleKey);
  if (req.amount > left) {
    throw new KioskError('CARD_REFUND_EXCEEDS_SALE', `at most ${left} of sale ${req.saleKey} (${sale.amount}) is left to refund`, { details: { left, saleAmount: sale.amount } });
  }
  if (role !== 'technician' && req.amount > uiLimit) {
    throw new KioskError('CARD_REFUND_OVER_LIMIT', `a refund from the ${role} role may be at most ${uiLimit}; a technician may refund more`, { details: { limit: uiLimit } });
  }
}
