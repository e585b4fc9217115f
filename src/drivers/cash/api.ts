/** Cash device API: the MQTT contract of `device/cash` (note validator + optional coin acceptor). Schemas only. */
import { z } from 'zod';
import type { DeviceApi } from '../../core/driver.js';
import { payoutCommands, payoutDetail, payoutEvents, payoutResult, payoutSim } from './api-payout.js';

const amount = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const sessionId = z.string().min(1).max(64);
const source = z.enum(['note', 'coin']);

export const cashSessionStatus = z.enum(['paid', 'cancelled', 'timeout', 'fault', 'interrupted']);

const sessionSummary = z.object({
  sessionId,
  amountDue: amount,
  currency,
  total: amount,
  openedAt: z.string(),
  status: cashSessionStatus.optional(),
});

const cashboxDetail = z.object({
  /** Notes per denomination (minor units as the key) since the last emptying. */
  notes: z.record(z.string(), z.number().int()),
  count: z.number().int(),
  value: amount,
  /** Coins taken since the last emptying (their own box), value in minor units. */
  coinsValue: amount,
  capacity: z.number().int(),
  nearFull: z.boolean(),
  full: z.boolean(),
  present: z.boolean(),
  lastEmptiedAt: z.string().nullable(),
});

export const cashApi = {
  kind: 'cash',
  summary:
    'Cash payments: SSP/eSSP note validator with escrow, optional ccTalk coin acceptor, durable credits; ' +
    'change, repay and refunds from an SSP note recycler and ccTalk coin hoppers where fitted.',
  commands: {
    accept: {
      summary:
        'Take cash until `amountDue` is reached, cancelled or timed out. Each note waits in escrow; a note that ' +
        'would overpay is taken only when the change can be paid from the recycler/hoppers (`giveChange`), ' +
        'else returned from escrow before it is taken. Answers with what was taken (`total`) and what was ' +
        'given back (`paidOut`, `payout`); `voucherAmount` is what is still owed (voucher).',
      input: z.strictObject({
        amountDue: z.number().int().min(1),
        currency,
        timeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
        /** Take overpaying notes and pay the change (default: devices.cash.payout.giveChange). */
        giveChange: z.boolean().optional(),
        /** When the session ends unpaid (cancel, timeout, fault), pay back what was taken (default: devices.cash.payout.repay). */
        repay: z.boolean().optional(),
      }),
      output: z.object({
        sessionId,
        status: cashSessionStatus,
        amountDue: amount,
        total: amount,
        /** total - amountDue when positive: owed back to the customer (paid as change where possible). */
        change: amount,
        currency,
        /** A payout unit (recycler or hoppers) was available to give money back. */
        refundable: z.boolean(),
        /** Cash given back at the end (change, or repay of an unpaid session), as the devices reported it. */
        paidOut: amount,
        /** Owed to the customer and not paid in cash: the UI issues a voucher for it. */
        voucherAmount: amount,
        voucher: z.boolean(),
        /** A note was between escrow and cashbox when the session ended; its outcome follows as `credit` or `returned`. */
        pending: z.boolean(),
        /** The change or repay payout of this session, null when nothing was to be paid back. */
        payout: payoutResult.nullable(),
      }),
      errors: ['DEVICE_BUSY', 'DEVICE_UNAVAILABLE', 'CASH_CURRENCY_MISMATCH', 'JOURNAL_UNAVAILABLE'],
      progressEvent: 'credit',
    },
    cancel: {
      summary:
        'End the running accept: acceptors are disabled, a note in escrow is returned, and what was taken is ' +
        'repaid from the recycler/hoppers where it can be (`repay`, default: the accept\'s); the rest is a ' +
        'voucher. Answers when the session is closed, listing both; the accept answers `cancelled` alike.',
      input: z.strictObject({ repay: z.boolean().optional() }),
      output: z.object({
        cancelled: z.boolean(),
        sessionId: sessionId.nullable(),
        total: amount,
        paidOut: amount,
        voucherAmount: amount,
        payout: payoutResult.nullable(),
      }),
    },
    status: {
      summary: 'The acceptors, the running session, the cashbox and the sessions left to settle.',
      input: z.strictObject({}),
      output: z.object({
        session: sessionSummary.nullable(),
        unsettled: z.array(sessionSummary),
        cashbox: cashboxDetail,
        channels: z.array(z.object({ channel: z.number().int(), value: amount, currency })),
        coins: z.array(z.object({ position: z.number().int(), value: amount })),
        faults: z.array(z.string()),
        /** Recycler and hoppers; null when none is fitted. */
        payout: payoutDetail.nullable(),
      }),
    },
    'cashbox-emptied': {
      summary: 'Technician: the cashbox (and coin box) was emptied. Audited in the journal; answers what it held.',
      role: 'technician',
      input: z.strictObject({ technician: z.string().min(1).max(64), comment: z.string().max(200).optional() }),
      output: z.object({ notes: z.record(z.string(), z.number().int()), count: z.number().int(), value: amount, coinsValue: amount, at: z.string() }),
      errors: ['DEVICE_BUSY', 'JOURNAL_UNAVAILABLE'],
    },
    settle: {
      summary: 'Technician: an interrupted session was settled (voucher printed, refunded by staff...). Audited.',
      role: 'technician',
      input: z.strictObject({ sessionId, resolution: z.enum(['voucher', 'refunded', 'applied', 'other']), by: z.string().min(1).max(64) }),
      output: z.object({ sessionId, total: amount, resolution: z.string() }),
      errors: ['CASH_UNKNOWN_SESSION', 'JOURNAL_UNAVAILABLE'],
    },
    'clear-fault': {
      summary: 'Technician: acknowledge a fraud-attempt fault (jams, cashbox faults clear by themselves). Audited.',
      role: 'technician',
      input: z.strictObject({ technician: z.string().min(1).max(64) }),
      output: z.object({ faults: z.array(z.string()) }),
    },
    ...payoutCommands,
  },
  events: {
    escrow: {
      summary: 'A note is held in escrow; `accepted` tells whether it will be stacked or returned.',
      payload: z.object({ sessionId: sessionId.nullable(), value: amount, currency, accepted: z.boolean(), transaction: z.string().optional() }),
    },
    credit: {
      summary: 'Money was taken and durably recorded (journal fsync) before this event. `total` is the session total.',
      payload: z.object({
        sessionId: sessionId.nullable(), value: amount, total: amount, currency, source,
        /** Credited by reconciliation after a restart, a reset or a cleared jam, not from a live event. */
        recovered: z.boolean().default(false),
        /** Where the note went: the recycler keeps it for payouts, or the cashbox. Absent for coins. */
        route: z.enum(['payout', 'cashbox']).optional(),
        transaction: z.string().optional(),
      }),
    },
    rejected: {
      summary: 'The acceptor refused a note or coin (not genuine, inhibited...).',
      payload: z.object({ source, reason: z.string(), transaction: z.string().optional() }),
    },
    returned: {
      summary: 'A note was handed back from escrow (it would overpay, the session ended, or after a restart).',
      payload: z.object({ value: amount, currency, reason: z.enum(['overpay', 'session-ended', 'recovery', 'cleared', 'change-not-payable']), transaction: z.string().optional() }),
    },
    recovered: {
      summary: 'A session was interrupted (restart, power loss) or got money after it ended; settle it with `settle`.',
      payload: sessionSummary,
    },
    ...payoutEvents,
  },
  stateDetail: z.object({
    currency: currency.nullable(),
    encrypted: z.boolean(),
    coinAcceptor: z.boolean(),
    /** The acceptors are open for the running session: the customer may insert cash now. */
    accepting: z.boolean(),
    session: sessionSummary.nullable(),
    /** Sessions to settle (retained so a UI or technician sees them after any restart). */
    unsettled: z.array(sessionSummary),
    cashbox: cashboxDetail,
    fault: z.object({ code: z.string(), codes: z.array(z.string()) }).nullable(),
    /** Recycler and hopper levels, payout state, the running payout and payouts to settle; null: none fitted. */
    payout: payoutDetail.nullable().default(null),
  }),
  sim: {
    'insert-note': {
      summary: 'Insert a genuine note of this value (minor units; must be a channel of the simulated validator).',
      input: z.strictObject({ value: amount }),
      output: z.object({ taken: z.boolean(), reason: z.string().optional() }),
    },
    'insert-fake': {
      summary: 'Insert a fake note: rejected, or reported as a fraud attempt when `fraud`.',
      input: z.strictObject({ fraud: z.boolean().default(false) }),
      output: z.object({ taken: z.boolean(), reason: z.string().optional() }),
    },
    'insert-coin': {
      summary: 'Insert a coin of this value (minor units), or a fake coin (`fake`) that is rejected.',
      input: z.strictObject({ value: amount.optional(), fake: z.boolean().default(false) }),
      output: z.object({ taken: z.boolean(), reason: z.string().optional() }),
    },
    jam: {
      summary: 'Jam the note path (a note being stacked stays stuck) until `clear-jam`.',
      input: z.strictObject({ safe: z.boolean().default(false) }),
      output: z.object({ jammed: z.boolean() }),
    },
    'clear-jam': {
      summary: 'Clear a jam; a stuck note goes into the cashbox or back out of the front.',
      input: z.strictObject({ to: z.enum(['cashbox', 'front']).default('cashbox') }),
      output: z.object({ cleared: z.boolean() }),
    },
    'fill-cashbox': { summary: 'Make the stacker report full.', input: z.strictObject({}), output: z.object({ full: z.boolean() }) },
    'remove-cashbox': { summary: 'Pull the cashbox out.', input: z.strictObject({}), output: z.object({ present: z.boolean() }) },
    'replace-cashbox': { summary: 'Put an (empty) cashbox back.', input: z.strictObject({}), output: z.object({ present: z.boolean() }) },
    'power-cut': {
      summary: 'Cut the validator\'s power for `offMs` (mid-stack when a note is stacking); the note ends in the cashbox or the front.',
      input: z.strictObject({ offMs: z.number().int().min(0).max(60_000).default(1000), outcome: z.enum(['cashbox', 'front']).default('cashbox') }),
      output: z.object({ state: z.string() }),
    },
    'repeat-credit': {
      summary: "At the host's next SYNC (a restart of the driver), the validator reports its last credit again, as one that never saw the host acknowledge it would.",
      input: z.strictObject({}),
      output: z.object({ armed: z.boolean() }),
    },
    stacked: {
      summary: 'What the simulated validator has stacked (its persistent log), for tests.',
      input: z.strictObject({}),
      output: z.object({ notes: z.array(amount), total: amount, coins: z.array(amount), coinsTotal: amount, phase: z.string() }),
    },
    ...payoutSim,
  },
} as const satisfies DeviceApi;

export type CashApi = typeof cashApi;
