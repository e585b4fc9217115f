/**
 * `kioskd/client`: drive a kiosk's devices over MQTT from a kiosk UI, in the browser or in Node.
 *
 * ```ts
 * const kiosk = await connect({ url: 'ws://127.0.0.1:9001', kioskId: 'kiosk-01' });
 * const sale = await kiosk.request('card', 'sale', { amount: 2500, reference: 'fee-17', idempotencyKey: 'k-17' },
 *   { onProgress: (p) => show(p.messages.en) });
 * ```
 */
export { connect } from './connect.js';
export { KioskClient } from './client.js';
export { KioskSession, openSession, type CheckoutParams, type CheckoutResult, type SessionInfo } from './session.js';
export type { Availability } from '../api/catalogue.js';
export type { AttentionList, CheckoutProgress, CheckoutRecord } from '../api/checkout.js';
export type { SessionEvent, SessionState } from '../api/session.js';
export type { BaseRequestOptions, BridgeView, ConnectOptions, RequestOptions } from './options.js';
export { KioskRequestError, CLIENT_ERROR_CODES } from './errors.js';
export type { Live } from './live.js';
export type * from './types.js';
export { DEVICE_APIS } from '../api/index.js';
