/**
 * The file operations the money journal uses, behind an interface so that tests can hand it a fake
 * file handle (a write that fails, an fsync that is counted) without a real failing disk.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';

/** An open, appendable file. Node's `FileHandle` is one. */
export interface JournalFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** fdatasync(2): resolves once the written bytes are on the disk. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface JournalFs {
  /** The whole file, or undefined when it does not exist. Other errors reject. */
  read(path: string): Promise<Buffer | undefined>;
  /** Open for appending, creating it if needed. */
  openAppend(path: string): Promise<JournalFile>;
  mkdirp(dir: string): Promise<void>;
  /** fsync a directory so that a created or renamed file's entry is durable. */
  syncDir(dir: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const nodeJournalFs: JournalFs = {
  async read(path) {
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  openAppend: (path) => open(path, 'a+'),
  async mkdirp(dir) {
    await mkdir(dir, { recursive: true });
  },
  async syncDir(dir) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } catch {
      // some filesystems refuse fsync on a directory; the file's own datasync still holds
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
};
