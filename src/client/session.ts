/**
 * A UI session from the client's side (docs/checkout.md "Sessions"): `openSession` claims the kiosk's
 * money devices and scanner for this connection, keeps the session alive while the page lives, and runs
 * checkouts in it. The connection's last will (set by `connect`) closes it if the page vanishes.
 *
 * ```ts
 * const session = await openSession(kiosk, { language: 'ar' });
 * const result = await session.checkout({ service: 'good-conduct', method: 'split', cashAmount: 10000,
 *   reference: 'GC-17', idempotencyKey: 'gc-17-a' }, (p) => show(p.messageKey, p.remaining));
 * ```
 */
import type { CheckoutProgress } from '../api/checkout.js';
import type { KioskClient } from './client.js';
import { KioskRequestError } from './errors.js';
import type { BridgeOpParams, BridgeOpResult } from './types.js';

export type SessionInfo = BridgeOpResult<'session-open'>;
export type CheckoutParams = BridgeOpParams<'checkout-start'>;
export type CheckoutResult = BridgeOpResult<'checkout-start'>;

export class KioskSession {
  private timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly client: KioskClient,
    public info: SessionInfo,
  ) {
    this.timer = setInterval(() => {
      this.client.bridgeRequest('session-keepalive', {}).catch(() => undefined);
    }, info.keepaliveMs);
  }

  static async open(client: KioskClient, opts: { language?: SessionInfo['language']; accessible?: boolean } = {}): Promise<KioskSession> {
    const token = client.options.sessionToken;
    if (!token) throw new KioskRequestError('INVALID_PARAMS', 'this client has no session token: connect with connect()', false);
    const info = await client.bridgeRequest('session-open', { token, ...opts });
    return new KioskSession(client, info);
  }

  /** Change language or accessible mode, or push the timeout back (after a `warning` event). */
  async update(change: BridgeOpParams<'session-update'>): Promise<SessionInfo> {
    this.info = await this.client.bridgeRequest('session-update', change);
    return this.info;
  }

  /**
   * Pay for a service; resolves with the one result. The same `idempotencyKey` after a reload finds the
   * checkout again (joins it, resumes it, or answers its result). `onProgress` gets this checkout's steps.
   */
  async checkout(params: CheckoutParams, onProgress?: (p: CheckoutProgress) => void): Promise<CheckoutResult> {
    const stop = onProgress ? await this.client.onCheckout(onProgress, params.idempotencyKey) : () => undefined;
    try {
      return await this.client.bridgeRequest('checkout-start', params, { timeoutMs: 30 * 60_000 });
    } finally {
      stop();
    }
  }

  /** The citizen is done with cash (split): the rest by card. */
  continueWithCard(): Promise<BridgeOpResult<'checkout-continue'>> {
    return this.client.bridgeRequest('checkout-continue', {});
  }

  cancelCheckout(): Promise<BridgeOpResult<'checkout-cancel'>> {
    return this.client.bridgeRequest('checkout-cancel', {});
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.client.bridgeRequest('session-close', { reason: 'closed' }).catch(() => undefined);
  }
}

/** Open a UI session on this connection (see {@link KioskSession}). */
export function openSession(client: KioskClient, opts: { language?: SessionInfo['language']; accessible?: boolean } = {}): Promise<KioskSession> {
  return KioskSession.open(client, opts);
}
