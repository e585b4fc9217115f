/**
 * What an observer of the daemon sees, in process: the same states, events, health and link changes the
 * daemon publishes on the local bus. Observers (the alert engine, the fleet link) implement it; the
 * composition root (src/daemon/) feeds every registered tap. It sits here, below both, so that neither
 * side imports the other.
 */
import type { AttentionList } from './checkout.js';
import type { DeviceStateMessage, Health } from './envelope.js';

export interface DaemonTap {
  /** A device's retained state, each time it is published. */
  state?(device: string, state: DeviceStateMessage): void;
  /** A device event; `personal` events never leave the local bus (no fleet, no log). */
  event?(device: string, event: string, payload: unknown, personal: boolean): void;
  /** Each health snapshot, periodic and on a device status change. */
  health?(health: Health): void;
  /** The local broker link went up or down. */
  link?(connected: boolean): void;
  /** The requires-attention list changed (no personal data in it: the fleet link forwards it). */
  attention?(list: AttentionList): void;
}
