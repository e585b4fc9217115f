/**
 * Small state files that survive a power cut: written to a temporary name, fsync'd, renamed over the
 * old one, and the directory fsync'd, so a reader finds either the old or the new content, never half.
 * Used by the KPI book and the audit trail's head marker.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const f = await open(tmp, 'w', 0o640);
  try {
    await f.writeFile(text);
    await f.datasync();
  } finally {
    await f.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
