/**
 * One fixture for the integration tests' set-up: a broker of its own, the real daemon in process against
 * it, a probe on the kiosk's topics, and (optionally) every named device ready before the tests run.
 * `stop()` undoes it in reverse order and never throws on a half-made kiosk.
 */
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from './daemon.js';
import { startMosquitto, type Broker } from './mosquitto.js';
import { Probe } from './mqtt-probe.js';

export interface Kiosk {
  broker: Broker;
  kiosk: TestDaemon;
  probe: Probe;
  stop(): Promise<void>;
}

export interface KioskOptions extends Omit<TestDaemonOptions, 'brokerUrl'> {
  /** Devices whose state must say `ready` before the fixture resolves. */
  ready?: readonly string[];
  /** How long each of them may take (ms of real time: the daemon starts real simulators). */
  readyTimeoutMs?: number;
}

export async function bootKiosk(o: KioskOptions = {}): Promise<Kiosk> {
  const { ready = [], readyTimeoutMs, ...daemon } = o;
  const broker = await startMosquitto();
  let kiosk: TestDaemon | undefined;
  let probe: Probe | undefined;
  const stop = async (): Promise<void> => {
    await probe?.close();
    await kiosk?.stop();
    await broker.stop();
  };
  try {
    kiosk = await startTestDaemon({ ...daemon, brokerUrl: broker.url });
    probe = await Probe.connect(broker.url, kiosk.base);
    for (const device of ready) await probe.waitFor(`device/${device}/state`, (p: { status: string }) => p.status === 'ready', readyTimeoutMs);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { broker, kiosk, probe, stop };
}
