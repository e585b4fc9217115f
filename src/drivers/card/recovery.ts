/**
 * Reconciliation after a crash, a timeout or a lost link: for each operation whose outcome is unknown,
 * ask the terminal for its last transaction, decide what became of the operation, journal it and
 * publish `event/recovered`. Never re-sends the operation.
 */
import type { DriverHost } from '../../core/driver.js';
import type { Logger } from '../../core/logger.js';
import type { CardApi } from './api.js';
import type { CardLedger } from './ledger.js';
import { reconcileOperation, reconcileReversal } from './outcome.js';
import type { LastTransaction, PaymentTerminal } from './terminal.js';

/** Reconcile every pending operation; returns how many were resolved. Throws if the terminal cannot say. */
export async function recoverPending(
  ledger: CardLedger,
  terminal: PaymentTerminal,
  host: DriverHost<CardApi>,
  log: Logger,
  signal: AbortSignal,
): Promise<number> {
  const pending = ledger.pending();
  if (pending.length === 0) return 0;
  // ZVT (and most ECR protocols) can only tell about the last transaction, which suffices because an
  // operation starts only when the previous one has an outcome: at most one is open at a time.
  const last: LastTransaction = await terminal.lastTransaction(signal);
  let resolved = 0;
  for (const r of pending) {
    if (!r.outcome) {
      const outcome = reconcileOperation(r, last);
      await ledger.outcome(r, outcome);
      log.warn({ key: r.key, operation: r.operation, result: outcome.result }, 'card operation reconciled with the terminal');
      host.emit('recovered', { idempotencyKey: r.key, reference: r.reference, kind: r.operation, outcome });
      resolved++;
    } else if (r.reversal && !r.reversal.outcome) {
      const reversal = reconcileReversal(r, r.reversal.prevTrace, last);
      await ledger.reversalOutcome(r, reversal);
      log.warn({ key: r.key, result: reversal.result }, 'card reversal reconciled with the terminal');
      host.emit('recovered', { idempotencyKey: r.key, reference: r.reference, kind: 'reversal', reversal });
      resolved++;
    }
  }
  return resolved;
}

/** The terminal's last trace number: null when it has no transaction. */
export function traceOf(last: LastTransaction): number | null {
  return last.kind === 'known' ? (last.transaction.trace ?? null) : null;
}
