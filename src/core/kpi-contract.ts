/**
 * The KPI recorder: what a unit that knows about a transaction (today the money journal's card and cash
 * records; later the kiosk's checkout, which knows the service) tells the KPI book. Amounts are integers
 * in minor units. Nothing personal: a service name and a payment method, never a reference or a card.
 */
export type PaymentMethod = 'card' | 'cash' | 'none';

/**
 * - `started` / `completed` / `failed`: a transaction's life (counts); `completed` may carry the amount taken.
 * - `collected`: money taken without ending a transaction (a cash note or coin); `denominations` counts it.
 * - `refunded`: money given back (a refund, a reversal); subtracted from the amount.
 */
export type TransactionOutcome = 'started' | 'completed' | 'failed' | 'collected' | 'refunded';

export interface TransactionFact {
  /** The kiosk UI's service (fine-payment...), or `unassigned` when the recorder does not know it. */
  readonly service: string;
  readonly method: PaymentMethod;
  readonly outcome: TransactionOutcome;
  readonly amount?: number | undefined;
  readonly currency?: string | undefined;
  /** Cash taken, by value in minor units: `{ "5000": 1 }`. */
  readonly denominations?: Readonly<Record<string, number>> | undefined;
}

export interface KpiRecorder {
  /** Count one fact into today's totals (and the open settlement period). Never throws. */
  recordTransaction(fact: TransactionFact): void;
}
