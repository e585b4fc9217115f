/** The options of `connect` and of each request, and what the client says about the daemon. */
import type { BridgeInfo } from '../api/envelope.js';

export interface ConnectOptions {
  /** Broker URL: `ws://127.0.0.1:9001` in a browser, `mqtt://127.0.0.1:1883` in Node. */
  url: string;
  kioskId: string;
  /** Topic root (config `mqtt.root`). Default `kiosk`. */
  root?: string;
  /** 5 (default) or 4 (MQTT 3.1.1). */
  protocolVersion?: 4 | 5;
  clientId?: string;
  username?: string;
  password?: string;
  /**
   * The topic namespace requests go to (src/api/topics.ts, src/core/roles.ts): `ui` (default) or `technician`. The broker's
   * ACL decides whether this user may publish there; the daemon takes the role from it.
   */
  role?: 'ui' | 'technician';
  /** Give up the first connection after this long (default 10 s); later reconnects retry for ever. */
  connectTimeoutMs?: number;
  /** Delay between reconnect attempts (default 1000 ms). */
  reconnectPeriodMs?: number;
}

export interface BaseRequestOptions {
  /** Default: 120 s for commands with a progress event (payments, printing), 10 s otherwise. */
  timeoutMs?: number;
  /** Your own correlation string (else one is generated); echoed in the response and progress. */
  transaction?: string;
}

/** Options of one request; `onProgress` only exists for commands that publish progress. */
export type RequestOptions<P = never> = BaseRequestOptions &
  ([P] extends [never]
    ? { onProgress?: undefined }
    : {
        /** Called with every progress event of this request (events carrying its transaction). */
        onProgress?: (progress: P) => void;
      });

/** Whether the daemon is up, and what it said about itself. */
export interface BridgeView {
  /** True while the daemon's birth message says online (false after its last will or shutdown). */
  readonly online: boolean;
  readonly reason?: 'shutdown' | 'connection-lost';
  readonly info?: BridgeInfo;
}
