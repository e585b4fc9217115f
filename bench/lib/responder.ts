/** Runs bench/responder.ts (the floor) as its own process and waits until it is subscribed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'responder.js');

export interface Responder {
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

export async function startResponder(brokerUrl: string, base: string): Promise<Responder> {
  const proc = spawn(process.execPath, [script, brokerUrl, base], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('responder did not subscribe within 5 s')), 5000);
    proc.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`responder exited ${code}`)));
  });
  return {
    proc,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
