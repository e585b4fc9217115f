/**
 * Is the system clock synchronised? Without timedatectl or adjtimex bindings we use the flag file
 * systemd-timesyncd creates once it has synchronised (/run/systemd/timesync/synchronized, since systemd
 * 239). If the directory does not exist, timesyncd is not running here and we cannot tell (null).
 */
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** true: synchronised; false: timesyncd runs but has not synchronised; null: unknown or check off. */
export async function clockSynced(flagFile: string | false): Promise<boolean | null> {
  if (flagFile === false) return null;
  if (await exists(flagFile)) return true;
  return (await exists(dirname(flagFile))) ? false : null;
}
