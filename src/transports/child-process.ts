/**
 * A child Node process of kioskd's own (the simulator process `npm start` runs beside the daemon). Its
 * stdin is a pipe it watches: when the parent dies, even by SIGKILL, the pipe closes and the child
 * stops, so no simulator outlives the daemon that started it.
 */
import { spawn } from 'node:child_process';

export interface ChildNode {
  readonly pid: number | undefined;
  /** Resolves when the child has exited (after closing its stdin, then SIGTERM after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Called once if the child exits on its own. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export function spawnNode(script: string, args: readonly string[]): ChildNode {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  return {
    pid: child.pid,
    async stop(graceMs = 3000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs + 2000);
      await exited;
      clearTimeout(term);
      clearTimeout(kill);
    },
    onExit(listener) {
      child.once('exit', (code, signal) => {
        if (!stopping) listener(code, signal);
      });
    },
  };
}
