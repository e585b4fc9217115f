/**
 * A "remote" fleet broker for tests: Mosquitto with TLS that requires a client certificate, and the
 * certificates made here with openssl (a CA, the broker's, a kiosk's, an operator's).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { tempDir } from '../helpers/daemon.js';
import { startMosquitto, type Broker } from '../helpers/mosquitto.js';

export interface Pki {
  dir: string;
  ca: string;
  server: { cert: string; key: string };
  client(cn: string): { cert: string; key: string };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

export function makePki(): Pki {
  const dir = tempDir('kioskd-pki-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kioskd test fleet CA'], dir);
  const issue = (name: string, cn: string, server: boolean): { cert: string; key: string } => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    const ext = join(dir, `${name}.ext`);
    writeFileSync(ext, server ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', ext], dir);
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  };
  const server = issue('server', 'localhost', true);
  return { dir, ca: join(dir, 'ca.crt'), server, client: (cn) => issue(`client-${cn}`, cn, false) };
}

/** Mosquitto with one TLS listener requiring a client certificate; persistence so a restart keeps sessions. */
export function startRemoteBroker(pki: Pki): Promise<Broker> {
  return startMosquitto({
    config: [
      'per_listener_settings false',
      // Mosquitto started as root drops to user mosquitto, which could not read our keys.
      `user ${userInfo().username}`,
      'allow_anonymous true',
      'persistence true',
      'persistence_location {dir}/',
      'set_tcp_nodelay true',
      'listener {port} 127.0.0.1',
      `cafile ${pki.ca}`,
      `certfile ${pki.server.cert}`,
      `keyfile ${pki.server.key}`,
      'require_certificate true',
      'use_identity_as_username true',
      'log_dest none',
    ].join('\n'),
  });
}

export interface Seen {
  topic: string;
  text: string;
  retain: boolean;
}

/** An operator's subscriber on the remote broker with a persistent session (it misses nothing across a broker restart). */
export async function operator(broker: Broker, pki: Pki, filter: string, clientId: string): Promise<{ client: MqttClient; seen: Seen[] }> {
  const id = pki.client('operator');
  const client = mqtt.connect(`mqtts://127.0.0.1:${broker.port}`, {
    protocolVersion: 5,
    clientId,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
    ca: readFileSync(pki.ca),
    cert: readFileSync(id.cert),
    key: readFileSync(id.key),
    reconnectPeriod: 200,
  });
  const seen: Seen[] = [];
  client.on('message', (topic, payload, packet) => seen.push({ topic, text: payload.toString(), retain: packet.retain }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, seen };
}

/** Poll a condition (bounded); the failure is the condition never holding, not a timing. */
export async function until(cond: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}
