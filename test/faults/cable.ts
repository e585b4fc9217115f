/** A serial cable between a driver's PTY and a simulator's, that a test can pull out and plug back in. */
import { PtyPair } from '../../src/transports/pty-pair.js';
import type { ByteStream } from '../../src/transports/byte-stream.js';
import { SerialTransport } from '../../src/transports/serial.js';

/** A cable: bytes pass between the driver's PTY and the simulator's until it is pulled. */
export class Cable {
  private driverSide: ByteStream | undefined;
  private simSide: SerialTransport | undefined;
  private constructor(readonly pair: PtyPair, private readonly simPath: string) {}
  static async connect(dir: string, simPath: string): Promise<Cable> {
    const cable = new Cable(await PtyPair.create(dir, 'cable'), simPath);
    cable.simSide = new SerialTransport({ path: simPath, baudRate: 9600 });
    await cable.simSide.open();
    cable.simSide.onData((c) => void cable.driverSide?.write(c).catch(() => undefined));
    await cable.plugIn();
    return cable;
  }
  private async plugIn(): Promise<void> {
    const side = this.pair.simEnd();
    await side.open();
    side.onData((c) => void this.simSide?.write(c).catch(() => undefined));
    this.driverSide = side;
  }
  async pull(): Promise<void> {
    const side = this.driverSide;
    this.driverSide = undefined;
    await side?.close().catch(() => undefined);
    await this.pair.unplug();
  }
  async replug(): Promise<void> {
    await this.pair.replug();
    await this.plugIn();
  }
  async close(): Promise<void> {
    await this.pull();
    await this.simSide?.close().catch(() => undefined);
  }
}
