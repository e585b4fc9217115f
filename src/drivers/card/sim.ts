/**
 * The card terminal simulator: a ZVT terminal over TCP (bare APDUs, like a LAN terminal on 20007) or
 * over a PTY pair (serial framing), scripted through the `sim/card/request/*` commands. Its memory
 * (last transaction, counters, the log of received sales) lives in `SimulatorDeps.stateDir` and survives
 * daemon restarts, so a test can kill the daemon mid-sale and still ask the terminal what it did.
 */
import type { SimulatorDeps, SimulatorHandle } from '../../core/driver.js';
import { PtyPair } from '../../transports/pty-pair.js';
import { TcpListener } from '../../transports/tcp-listener.js';
import { cardApi } from './api.js';
import type { CardConfig } from './config.js';
import { SimStore } from './zvt/sim-store.js';
import { ZvtSimTerminal } from './zvt/sim-terminal.js';

export interface CardSimulator extends SimulatorHandle<CardConfig> {
  readonly terminal: ZvtSimTerminal;
  readonly store: SimStore;
}

export async function startCardSimulator(config: CardConfig, deps: SimulatorDeps): Promise<CardSimulator> {
  const store = new SimStore(deps.stateDir);
  const mode = config.sim.link;
  const terminal = new ZvtSimTerminal(store, mode, deps.log.child({ sim: 'zvt' }), deps.clock);
  let driverConfig: CardConfig;
  let stopTransport: () => Promise<void>;
  if (mode === 'tcp') {
    const listener = new TcpListener();
    const port = await listener.listen(0, '127.0.0.1', (stream) => terminal.attach(stream));
    driverConfig = { ...config, transport: { type: 'tcp', host: '127.0.0.1', port, connectTimeoutMs: 5000 } };
    stopTransport = () => listener.close();
  } else {
    const pty = await PtyPair.create(deps.workDir, 'zvt-terminal');
    const port = pty.simEnd();
    await port.open();
    terminal.attach(port);
    driverConfig = {
      ...config,
      transport: { type: 'serial', path: pty.devicePath, baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false },
    };
    stopTransport = async () => {
      await port.close();
      await pty.close();
    };
  }
  const s = cardApi.sim;
  const queued = (): { queued: number } => ({ queued: 1 });
  return {
    driverConfig,
    terminal,
    store,
    commands: {
      approve: async (raw) => {
        const { hostDelayMs, holdAt } = s.approve.input.parse(raw);
        terminal.queue(holdAt ? { outcome: 'approve', hostDelayMs, holdAt } : { outcome: 'approve', hostDelayMs });
        return queued();
      },
      decline: async (raw) => {
        const { resultCode, hostDelayMs } = s.decline.input.parse(raw);
        terminal.queue({ outcome: 'decline', resultCode, hostDelayMs });
        return queued();
      },
      cancel: async () => {
        terminal.queue({ outcome: 'cancel' });
        return queued();
      },
      'slow-host': async (raw) => {
        terminal.queue({ outcome: 'approve', hostDelayMs: s['slow-host'].input.parse(raw).ms });
        return queued();
      },
      silent: async (raw) => {
        const { on, next } = s.silent.input.parse(raw);
        if (next && on) terminal.queue({ outcome: 'silent' });
        else terminal.silent = on;
        return { silent: terminal.silent };
      },
      'power-loss': async (raw) => {
        const { charged, offMs } = s['power-loss'].input.parse(raw);
        terminal.queue({ outcome: 'power-loss', charged, offMs });
        return queued();
      },
      power: async (raw) => {
        const { on } = s.power.input.parse(raw);
        if (on) terminal.powerOn();
        else terminal.powerOff(0);
        return { on };
      },
      release: async () => ({ released: terminal.release() }),
      misreport: async (raw) => {
        const { amount, currency, previousTransaction } = s.misreport.input.parse(raw);
        terminal.queue({ outcome: 'misreport', amount, currency, previousTransaction });
        return queued();
      },
      log: async () => ({
        received: store.log.map((e) => ({
          seq: e.seq, command: e.command, at: e.at,
          ...(e.amount !== undefined ? { amount: e.amount } : {}),
          ...(e.receiptNo !== undefined ? { receiptNo: e.receiptNo } : {}),
        })),
      }),
    },
    async stop() {
      terminal.stop();
      await stopTransport();
    },
  };
}
