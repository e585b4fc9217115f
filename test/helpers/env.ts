/** What this machine can run; tests that need a tool use `describe.skipIf(!...)`, and CI forbids skips. */
import { spawnSync } from 'node:child_process';
export { hasMosquitto } from './mosquitto.js';
export const hasSocat = spawnSync('which', ['socat']).status === 0;
export const hasZbar = spawnSync('which', ['zbarimg']).status === 0;
export const hasEspeak = spawnSync('which', ['espeak-ng']).status === 0;
export const hasSox = spawnSync('which', ['sox']).status === 0;
