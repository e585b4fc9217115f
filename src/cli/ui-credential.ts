/**
 * `kioskd ui-credential`: a fresh broker password for the kiosk UI, every boot.
 *
 * The UI's page has to hold its broker password, so the password is treated as known to whoever can
 * read the page (devtools, a screenshot, a copy of the SD card): it grants the `ui` role only (the
 * broker ACL and the daemon's roles decide what that is), the broker listens on loopback only, and
 * this command replaces it at every boot (systemd/kioskd-ui-credential.service, before Mosquitto
 * starts). It writes the `kiosk-ui` line of Mosquitto's password file (PBKDF2-SHA512, as
 * mosquitto_passwd does), keeping every other line, the file's owner and mode; and writes the plaintext
 * only to a file under /run (tmpfs: never on the SD card), from which kioskd's page server hands it to
 * the kiosk page (/config.json, loopback only, see `ui.credentialFile`).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmod, chown, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Mosquitto 2's password hash: `$7$<iterations>$<salt>$<hash>`, PBKDF2 with SHA-512, base64. */
export function mosquittoHash(password: string, salt = randomBytes(12), iterations = 101): string {
  return `$7$${iterations}$${salt.toString('base64')}$${pbkdf2Sync(password, salt, iterations, 64, 'sha512').toString('base64')}`;
}

export interface UiCredential {
  readonly username: string;
  readonly password: string;
  readonly issuedAt: string;
}

async function writeDurably(path: string, text: string, mode: number): Promise<void> {
  const tmp = join(dirname(path), `.${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Replace `user`'s line of the Mosquitto password file (adding it if absent) with a new random password. */
export async function rotateUiCredential(o: { passwdFile: string; user: string; out: string; now?: () => Date }): Promise<UiCredential> {
  const password = randomBytes(24).toString('base64url');
  const before = await stat(o.passwdFile);
  const lines = (await readFile(o.passwdFile, 'utf8')).split('\n').filter((l) => l.length > 0 && !l.startsWith(`${o.user}:`));
  lines.push(`${o.user}:${mosquittoHash(password)}`);
  const tmpMode = before.mode & 0o777;
  await writeDurably(o.passwdFile, `${lines.join('\n')}\n`, tmpMode);
  // the replacement keeps the original's owner and mode (root:mosquitto 0640 on a kiosk)
  await chown(o.passwdFile, before.uid, before.gid).catch(() => undefined);
  await chmod(o.passwdFile, tmpMode);
  const credential: UiCredential = { username: o.user, password, issuedAt: (o.now?.() ?? new Date()).toISOString() };
  await writeDurably(o.out, `${JSON.stringify(credential)}\n`, 0o640);
  return credential;
}

/** Read a credential written by {@link rotateUiCredential}; undefined when there is none. */
export async function readUiCredential(path: string): Promise<UiCredential | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<UiCredential>;
    return typeof value.username === 'string' && typeof value.password === 'string' ? { username: value.username, password: value.password, issuedAt: String(value.issuedAt) } : undefined;
  } catch {
    return undefined;
  }
}

export async function uiCredentialCommand(o: { passwd?: string | undefined; user?: string | undefined; out?: string | undefined }): Promise<number> {
  const passwdFile = o.passwd ?? '/etc/mosquitto/kioskd/passwd';
  const user = o.user ?? 'kiosk-ui';
  const out = o.out ?? '/run/kioskd-ui/credential.json';
  const c = await rotateUiCredential({ passwdFile, user, out });
  process.stdout.write(`ui-credential: new password for ${c.username} in ${passwdFile}; plaintext in ${out} (reload Mosquitto if it is running: systemctl reload mosquitto)\n`);
  return 0;
}
