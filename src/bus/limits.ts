/**
 * Per-client request limits: a token bucket (requests per second, with a burst) and a cap on requests
 * being handled at once. A client over either limit gets RATE_LIMITED at once, before its request is
 * looked at, so a flood costs the daemon one cheap answer per message and the work of other clients
 * goes on. MQTT does not say who published a message: the client key is what the request names
 * (src/bus/request-router.ts), so these limits keep honest clients fair to each other; a hostile client
 * that changes its name is bounded by the cost of these refusals and the broker's own limits.
 */
import { KioskError } from '../core/errors.js';

export interface LimitPolicy {
  /** Sustained requests per second per client. */
  readonly ratePerSec: number;
  /** Requests a client may send at once above the rate (the bucket's size). */
  readonly burst: number;
  /** Requests of one client being handled at the same time. */
  readonly inFlight: number;
}

interface Bucket {
  tokens: number;
  at: number;
  inFlight: number;
}

export class RequestLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly policy: LimitPolicy,
    /** Monotonic milliseconds. */
    private readonly now: () => number,
    /** Clients remembered; the longest idle is forgotten first (a forgotten client starts with a full bucket). */
    private readonly maxClients = 4096,
  ) {}

  /** Count one request of `client`; returns its release. Throws RATE_LIMITED when over a limit. */
  acquire(client: string): () => void {
    const b = this.bucket(client);
    const now = this.now();
    b.tokens = Math.min(this.policy.burst, b.tokens + ((now - b.at) / 1000) * this.policy.ratePerSec);
    b.at = now;
    if (b.inFlight >= this.policy.inFlight) {
      throw new KioskError('RATE_LIMITED', `more than ${this.policy.inFlight} requests of this client are being handled`, { details: { limit: 'inFlight', max: this.policy.inFlight } });
    }
    if (b.tokens < 1) {
      throw new KioskError('RATE_LIMITED', `more than ${this.policy.ratePerSec} requests per second from this client`, { details: { limit: 'rate', max: this.policy.ratePerSec } });
    }
    b.tokens -= 1;
    b.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      b.inFlight--;
    };
  }

  /** Clients currently remembered (for tests and health). */
  get clients(): number {
    return this.buckets.size;
  }

  private bucket(client: string): Bucket {
    let b = this.buckets.get(client);
    if (b) {
      // re-insert: Map order is then least recently used first
      this.buckets.delete(client);
      this.buckets.set(client, b);
      return b;
    }
    b = { tokens: this.policy.burst, at: this.now(), inFlight: 0 };
    this.buckets.set(client, b);
    for (const [key, old] of this.buckets) {
      if (this.buckets.size <= this.maxClients) break;
      if (old.inFlight === 0) this.buckets.delete(key);
    }
    return b;
  }
}
