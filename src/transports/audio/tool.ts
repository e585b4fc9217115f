/**
 * Runs one external audio tool (espeak-ng, piper, aplay, pw-play) as its own process. Contract:
 * - argv is an array and no shell is involved: a value is always exactly one argument;
 * - input goes on stdin, so spoken text (which may carry a name) never shows in `ps` or /proc;
 * - stdout is capped at `maxOutputBytes` (the process is killed past it: code E2BIG);
 * - a deadline (`timeoutMs`: code ETIMEDOUT) and an AbortSignal (code ABORT_ERR) kill it and anything it
 *   started (its own process group) with SIGKILL, and answer at once;
 * - a missing binary rejects with ENOENT, a non-zero exit with EIO and the first stderr line.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';

export interface ToolRun {
  bin: string;
  args: readonly string[];
  stdin?: Buffer | string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

export function toolError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(toolError('ABORT_ERR', `${run.bin} not started: aborted`));
      return;
    }
    // its own process group, so a kill also reaches what a wrapper script started (piper's launcher, sleep)
    const child = spawn(run.bin, [...run.args], { stdio: ['pipe', 'pipe', 'pipe'], shell: false, detached: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let failure: Error | undefined;
    const kill = (err: Error): void => {
      failure ??= err;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => kill(toolError('ETIMEDOUT', `${run.bin} took longer than ${run.timeoutMs} ms`)), run.timeoutMs);
    const onAbort = (): void => kill(toolError('ABORT_ERR', `${run.bin} stopped`));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > run.maxOutputBytes) kill(toolError('E2BIG', `${run.bin} wrote more than ${run.maxOutputBytes} bytes`));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    // A tool that exits before reading all of stdin (aplay stopped, espeak-ng failing) must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => {
      failure ??= err.code === 'ENOENT' ? toolError('ENOENT', `${run.bin} is not installed (not found in PATH)`) : err;
    });
    let settled = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (code !== 0) reject(toolError('EIO', `${run.bin} exited ${code ?? sig}: ${stderr.trim().split('\n')[0] ?? ''}`.trim()));
      else resolve({ stdout: Buffer.concat(out), stderr });
    };
    // a killed tool answers when it exits; a finished one when its output is all read
    child.on('exit', (code, sig) => {
      if (failure) finish(code, sig);
    });
    child.on('close', finish);
    child.stdin.end(run.stdin ?? '');
  });
}

/** The first directory on PATH holding an executable `bin` (or `bin` itself when it is a path). */
export async function findTool(bin: string, pathEnv = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = bin.includes('/') ? [bin] : pathEnv.split(':').filter(Boolean).map((d) => `${d}/${bin}`);
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}
