/**
 * The per-boot UI credential against config/mosquitto/ as shipped: `kioskd ui-credential` replaces the
 * kiosk-ui password (the old one is refused, the daemon's and the technician's still work, the password
 * file keeps its mode), the plaintext goes only to the run file, and kioskd's page server hands it to
 * the page at /config.json, with which the client library connects as the UI would.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mosquittoHash, readUiCredential, rotateUiCredential } from '../../src/cli/ui-credential.js';
import { connect } from '../../src/client/index.js';
import { startPlayground, type Playground } from '../../src/playground/server.js';
import { repoRoot, tempDir } from '../helpers/daemon.js';
import { hasMosquitto } from '../helpers/env.js';
import { PASSWORDS, startProductionBroker, type ProductionBroker } from '../helpers/production-broker.js';
import { record } from '../faults/report.js';

/** Mosquitto rereads its password file on SIGHUP, in its own time: wait (up to 20 s) until `password` is accepted. */
async function acceptedSoon(url: string, user: string, password: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (await refused(url, user, password)) {
    if (Date.now() > deadline) throw new Error(`the broker still refuses ${user}'s new password 20 s after the reload`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Whether the broker refuses these credentials. Only a CONNACK that says "not authorised" counts as a
 * refusal; a connection that times out or drops under load is tried again (it says nothing either way).
 */
async function refused(url: string, user: string, password: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const c = mqtt.connect(url, { username: user, password, reconnectPeriod: 0, connectTimeout: 10_000 });
    const outcome = await new Promise<'connected' | 'refused' | 'inconclusive'>((resolve) => {
      c.once('connect', () => resolve('connected'));
      c.once('error', (err: Error & { code?: unknown }) => resolve([4, 5, 134, 135].includes(Number(err.code)) ? 'refused' : 'inconclusive'));
      c.once('close', () => resolve('inconclusive'));
    });
    c.end(true);
    if (outcome !== 'inconclusive') return outcome === 'refused';
    if (attempt >= 5) throw new Error(`no CONNACK from the broker for ${user} after ${attempt} attempts`);
  }
}

describe.skipIf(!hasMosquitto)('per-boot UI credential (kioskd ui-credential) under the shipped broker config', () => {
  let prod: ProductionBroker;
  let page: Playground | undefined;
  const out = join(tempDir('kioskd-ui-cred-'), 'credential.json');

  beforeAll(async () => {
    prod = await startProductionBroker();
  });
  afterAll(async () => {
    await page?.close();
    await prod?.broker.stop();
  });

  it('hashes as mosquitto_passwd does (the broker accepts it)', () => {
    expect(mosquittoHash('x', Buffer.alloc(12, 1))).toMatch(/^\$7\$101\$AQEBAQEBAQEBAQEB\$[A-Za-z0-9+/]{86}==$/);
  });

  it('a new UI password: the old one is refused, the new one works, other users and the file mode are kept', async () => {
    const passwd = join(prod.dir, 'passwd');
    const modeBefore = statSync(passwd).mode & 0o777;
    const cred = await rotateUiCredential({ passwdFile: passwd, user: 'kiosk-ui', out });
    expect(cred.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(passwd).mode & 0o777).toBe(modeBefore);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(readFileSync(passwd, 'utf8').split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['kioskd', 'kiosk-technician', 'kiosk-ui']);
    expect(readFileSync(passwd, 'utf8')).not.toContain(cred.password);
    // Mosquitto rereads its password file on SIGHUP (systemctl reload mosquitto); at boot it starts after the rotation
    await prod.broker.reload();
    await acceptedSoon(prod.broker.url, 'kiosk-ui', cred.password);
    expect(await refused(prod.broker.url, 'kiosk-ui', PASSWORDS['kiosk-ui'])).toBe(true);
    expect(await refused(prod.broker.url, 'kiosk-ui', cred.password)).toBe(false);
    expect(await refused(prod.broker.url, 'kioskd', PASSWORDS.kioskd)).toBe(false);
    expect(await refused(prod.broker.url, 'kiosk-technician', PASSWORDS['kiosk-technician'])).toBe(false);
    const again = await rotateUiCredential({ passwdFile: passwd, user: 'kiosk-ui', out });
    await prod.broker.reload();
    await acceptedSoon(prod.broker.url, 'kiosk-ui', again.password);
    expect(await refused(prod.broker.url, 'kiosk-ui', cred.password)).toBe(true);
    expect(await refused(prod.broker.url, 'kiosk-ui', again.password)).toBe(false);
    expect(await readUiCredential(out)).toMatchObject({ username: 'kiosk-ui', password: again.password });
  });

  it('the page server hands the credential to the page (/config.json, same origin only) and the client connects with it', async () => {
    const cred = await readUiCredential(out);
    page = await startPlayground({
      port: 0, packageRoot: repoRoot, credentialFile: out,
      kiosk: { url: prod.broker.wsUrl, kioskId: 'k', root: 'kiosk', protocolVersion: 5, simulation: false },
    });
    const res = await fetch(new URL('/config.json', page.url), { headers: { origin: 'http://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const config = (await res.json()) as { username: string; password: string; url: string };
    expect(config).toMatchObject({ username: 'kiosk-ui', password: cred?.password });
    const ui = await connect({ url: config.url, kioskId: 'k', username: config.username, password: config.password, connectTimeoutMs: 5000 });
    expect(ui.connected.get()).toBe(true);
    await ui.close();
    record({
      id: 'security.ui-credential',
      section: 'security',
      what: 'the UI broker password as the page holds it: per-boot rotation (kioskd ui-credential, systemd/kioskd-ui-credential.service)',
      inFlight: 'two rotations against config/mosquitto/ as shipped; the page server\'s /config.json',
      behaviour: 'old password refused after each rotation; daemon and technician users unaffected; plaintext only in the 0640 run file and /config.json (no CORS header)',
      figure: `2 rotations: 2 old passwords refused, 2 new accepted; password file mode kept (${(statSync(join(prod.dir, 'passwd')).mode & 0o777).toString(8)})`,
      lostOrDuplicated: 'n/a',
      test: 'test/security/ui-credential.test.ts',
    });
  });
});
