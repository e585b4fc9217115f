/** Technician and settlement commands: each one journaled (audit trail) and logged with who asked. */
import type { CommandOutput } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { CashApi } from './api.js';
import type { Ledger } from './ledger.js';
import type { CashState } from './state.js';

/** The cashbox (and coin box) were emptied: the counts restart from zero. */
export async function cashboxEmptied(
  ledger: Ledger, log: Logger, who: { technician: string; comment?: string | undefined; requester: string | undefined },
): Promise<CommandOutput<CashApi, 'cashbox-emptied'>> {
  const box = { ...ledger.cashbox, notes: { ...ledger.cashbox.notes } };
  const entry = await ledger.record('cashbox.emptied', 'cashbox', {
    technician: who.technician, ...(who.comment ? { comment: who.comment } : {}), count: box.count, value: box.value, coinsValue: box.coinsValue, notes: box.notes,
  });
  log.info({ technician: who.technician, requester: who.requester, count: box.count, value: box.value, coinsValue: box.coinsValue }, 'audit: cashbox emptied');
  return { notes: box.notes, count: box.count, value: box.value, coinsValue: box.coinsValue, at: entry.at };
}

/** An interrupted session (or one that got money after closing) was settled by a person. */
export async function settleSession(
  ledger: Ledger, log: Logger, input: { sessionId: string; resolution: string; by: string }, requester: string | undefined,
): Promise<CommandOutput<CashApi, 'settle'>> {
  const s = ledger.unsettled().find((u) => u.sessionId === input.sessionId);
  if (!s) throw new KioskError('CASH_UNKNOWN_SESSION');
  await ledger.record('session.settled', input.sessionId, { resolution: input.resolution, by: input.by });
  log.info({ sessionId: input.sessionId, resolution: input.resolution, by: input.by, requester, total: s.total }, 'audit: cash session settled');
  return { sessionId: input.sessionId, total: s.total, resolution: input.resolution };
}

/** A technician looked at a fraud attempt; the other faults clear themselves when the device does. */
export async function clearFault(ledger: Ledger, log: Logger, state: CashState, technician: string, requester: string | undefined): Promise<CommandOutput<CashApi, 'clear-fault'>> {
  const codes = state.faults();
  state.clearFraud();
  await ledger.record('fault.cleared', 'audit', { technician, codes });
  log.info({ technician, requester, codes }, 'audit: cash fault cleared');
  return { faults: state.faults() };
}
