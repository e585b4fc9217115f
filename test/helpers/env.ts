/** What this machine can run; tests that need a tool use `describe.skipIf(!...)`, and CI forbids skips. */
import { spawnSync } from 'node:child_process';
import { libcAvailable } from '../../src/transports/libc.js';
export { hasMosquitto } from './mosquitto.js';
/** PTY pairs (src/transports/pty-pair.ts) need only the koffi npm package and glibc, no socat. */
export const hasPty = libcAvailable();
/** @deprecated PTY pairs no longer use socat; kept so that branches still importing it compile. Use hasPty. */
export const hasSocat = hasPty;
export const hasZbar = spawnSync('which', ['zbarimg']).status === 0;
export const hasEspeak = spawnSync('which', ['espeak-ng']).status === 0;
export const hasSox = spawnSync('which', ['sox']).status === 0;
