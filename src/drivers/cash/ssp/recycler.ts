/**
 * The note recycler (SSP payout module) as the driver sees it: payout enable, routing, levels, PAYOUT
 * AMOUNT, HALT, EMPTY ALL / SMART EMPTY over the validator's {@link SspLink}. Payout commands go only
 * over an encrypted link (the device refuses them in clear); events arrive in the validator's polls.
 */
import { KioskError } from '../../../core/errors.js';
import { SspReply } from './commands.js';
import type { SspLink } from './link.js';
import {
  encodePayoutAmount, encodeSetRoute, parseAllLevels, PAYOUT_ERRORS, SspPayoutCommand, type SspLevel,
} from './payout.js';

export class NoteRecycler {
  constructor(private readonly link: SspLink) {}

  private requireKey(): void {
    if (!this.link.encrypted) throw new KioskError('CASH_PAYOUT_UNAVAILABLE', 'payouts need eSSP: enable devices.cash.validator.encryption');
  }

  /** Enable the payout module and route each denomination (notes of `payout` values are stored). */
  async setup(currency: string, routes: readonly { value: number; route: 'payout' | 'cashbox' }[]): Promise<void> {
    await this.link.command(Uint8Array.of(SspPayoutCommand.ENABLE_PAYOUT_DEVICE, 0));
    for (const r of routes) await this.link.command(encodeSetRoute(r.route, r.value, currency));
  }

  async levels(): Promise<SspLevel[]> {
    return parseAllLevels(await this.link.command(Uint8Array.of(SspPayoutCommand.GET_ALL_LEVELS)));
  }

  /**
   * Start paying `amount` (the device picks the notes). Resolves once the device took the command;
   * what leaves it is reported in later polls. CASH_CHANGE_NOT_PAYABLE when the device refuses it.
   */
  async payout(amount: number, currency: string, test = false): Promise<void> {
    this.requireKey();
    const reply = await this.link.command(encodePayoutAmount(amount, currency, test), { allowed: [SspReply.CANNOT_PROCESS] });
    if (reply[0] === SspReply.CANNOT_PROCESS) {
      const code = reply[1] ?? 0;
      throw new KioskError('CASH_CHANGE_NOT_PAYABLE', `recycler refused ${amount}: ${PAYOUT_ERRORS[code] ?? `error ${code}`}`, { details: { deviceError: code } });
    }
  }

  async halt(): Promise<void> {
    this.requireKey();
    await this.link.command(Uint8Array.of(SspPayoutCommand.HALT_PAYOUT), { allowed: [SspReply.CANNOT_PROCESS] });
  }

  async empty(smart: boolean): Promise<void> {
    this.requireKey();
    await this.link.command(Uint8Array.of(smart ? SspPayoutCommand.SMART_EMPTY : SspPayoutCommand.EMPTY_ALL));
  }
}
