/** The bench's own Mosquitto (the test helper's, Nagle off) and its version for the results. */
import { spawnSync } from 'node:child_process';
import { mosquittoPath, startMosquitto, type Broker } from '../../test/helpers/mosquitto.js';

export { startMosquitto, type Broker };

export function mosquittoVersion(): string {
  if (!mosquittoPath) return 'not installed';
  const out = spawnSync(mosquittoPath, ['-h'], { encoding: 'utf8' });
  const m = /mosquitto version (\S+)/.exec(`${out.stdout}${out.stderr}`);
  return m?.[1] ?? 'unknown';
}
