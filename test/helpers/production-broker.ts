/**
 * Mosquitto with config/mosquitto/ exactly as shipped: only the listener ports, the directory of the
 * password and ACL files, and syslog logging are substituted (each substitution is checked, so a
 * changed shipped file fails here instead of silently testing something else). The users are the
 * ones config/mosquitto/README.md creates, with test passwords.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from './daemon.js';
import { startMosquitto, type Broker } from './mosquitto.js';

export const confDir = join(repoRoot, 'config', 'mosquitto');

export const PASSWORDS = { kioskd: 'daemon-secret-2', 'kiosk-ui': 'ui-secret-1', 'kiosk-technician': 'tech-secret-3' } as const;
export type BrokerUser = keyof typeof PASSWORDS;

/** The shipped mosquitto.conf with test ports, `dir` for its files, and logging to stderr off. */
export function productionConfig(dir: string): string {
  const text = readFileSync(join(confDir, 'mosquitto.conf'), 'utf8');
  const out = text
    .replace(/^listener 1883 127\.0\.0\.1$/m, 'listener {port} 127.0.0.1')
    .replace(/^listener 9001 127\.0\.0\.1$/m, 'listener {wsPort} 127.0.0.1')
    .replaceAll('/etc/mosquitto/kioskd/', `${dir}/`)
    .replace(/^log_dest syslog$/m, 'log_dest none');
  for (const must of ['listener {port} 127.0.0.1', 'listener {wsPort} 127.0.0.1', `password_file ${dir}/passwd`, `acl_file ${dir}/acl`, 'log_dest none']) {
    if (!out.includes(must)) throw new Error(`config/mosquitto/mosquitto.conf changed: "${must}" not found after substitution`);
  }
  return out;
}

export interface ProductionBroker {
  broker: Broker;
  dir: string;
  /** The broker URL with a user's credentials (TCP, or WebSocket with `ws`). */
  urlAs(user: BrokerUser, ws?: boolean): string;
  /** A file holding the daemon's password (for mqtt.passwordFile). */
  daemonSecret: string;
}

export async function startProductionBroker(): Promise<ProductionBroker> {
  const dir = tempDir('kioskd-acl-');
  const users = Object.entries(PASSWORDS);
  users.forEach(([user, pass], i) => execFileSync('mosquitto_passwd', ['-b', ...(i === 0 ? ['-c'] : []), join(dir, 'passwd'), user, pass]));
  writeFileSync(join(dir, 'acl'), readFileSync(join(confDir, 'acl')));
  // We run as root, so mosquitto drops to its own user: it must be able to read both files (on a
  // kiosk they are root:mosquitto 0640, see config/mosquitto/README.md).
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'passwd'), 0o644);
  const broker = await startMosquitto({ config: productionConfig(dir) });
  const daemonSecret = join(dir, 'mqtt.secret');
  writeFileSync(daemonSecret, `${PASSWORDS.kioskd}\n`);
  return {
    broker,
    dir,
    daemonSecret,
    urlAs: (user, ws = false) => (ws ? broker.wsUrl : broker.url).replace('://', `://${user}:${PASSWORDS[user]}@`),
  };
}
