/** What this machine can run; tests that need a tool use `describe.skipIf(!...)`, and CI forbids skips. */
import { libcAvailable } from '../../src/transports/libc.js';
export { hasMosquitto } from './mosquitto.js';
/** PTY pairs (src/transports/pty-pair.ts) need only the koffi npm package and glibc, no socat. */
export const hasPty = libcAvailable();
/** @deprecated PTY pairs no longer use socat; kept so that branches still importing it compile. Use hasPty. */
export const hasSocat = hasPty;
