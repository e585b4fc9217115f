/**
 * Opening the cash hardware: the validator's SSP link (and the recycler on it), the coin acceptor's and
 * the hoppers' ccTalk buses. Only ports are opened here; talking to the devices starts in the driver.
 */
import type { DriverDeps } from '../../core/driver.js';
import { KioskError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ByteStream } from '../../core/transport.js';
import type { CashApi } from './api.js';
import { HopperUnit } from './cctalk/hopper-unit.js';
import { CcLink } from './cctalk/link.js';
import { CoinAcceptor } from './coins.js';
import type { CashConfig } from './config.js';
import { FACTORY_FIXED_KEY } from './ssp/essp.js';
import { SspLink } from './ssp/link.js';
import { NoteRecycler } from './ssp/recycler.js';

export interface CashHardware {
  link: SspLink;
  recycler: NoteRecycler | undefined;
  coinAcceptor: CoinAcceptor | undefined;
  hoppers: HopperUnit[];
  ports: ByteStream[];
}

export async function openHardware(config: CashConfig, deps: DriverDeps<CashApi>, aborted: () => boolean): Promise<CashHardware> {
  const { host } = deps;
  const ports: ByteStream[] = [];
  const open = async (path: string, baudRate: number, stopBits: 1 | 2): Promise<ByteStream> => {
    const port = await deps.transports.stream({ type: 'serial', path, baudRate, stopBits });
    await port.open();
    ports.push(port);
    port.onClose((err) => {
      if (!aborted()) host.lost(err ?? new KioskError('IO_ERROR', `${path} closed`));
    });
    return port;
  };
  try {
    return await build(config, deps, open, ports);
  } catch (err) {
    // a start that fails halfway must not keep a port locked for the next attempt
    for (const port of ports) await port.close().catch(() => undefined);
    throw err;
  }
}

async function build(
  config: CashConfig, deps: DriverDeps<CashApi>, open: (path: string, baudRate: number, stopBits: 1 | 2) => Promise<ByteStream>, ports: ByteStream[],
): Promise<CashHardware> {
  const { clock } = deps;
  const v = config.validator;
  if (!v.port) throw new KioskError('CONFIG_INVALID', 'devices.cash.validator.port.path is required');
  const link = new SspLink(await open(v.port.path, v.port.baudRate, 2), { address: v.address, replyTimeoutMs: v.replyTimeoutMs, retries: v.retries, clock });
  link.attach();
  const recycler = config.payout.recycler ? new NoteRecycler(link) : undefined;
  let coinAcceptor: CoinAcceptor | undefined;
  const c = config.coinAcceptor;
  if (c?.port) {
    const cc = new CcLink(await open(c.port.path, c.port.baudRate, 1), { address: c.address, replyTimeoutMs: c.replyTimeoutMs, retries: c.retries, clock });
    cc.attach();
    coinAcceptor = new CoinAcceptor(cc);
  }
  const hoppers: HopperUnit[] = [];
  const h = config.hoppers;
  if (h?.port) {
    const bus = await open(h.port.path, h.port.baudRate, 1);
    for (const u of h.units) {
      const hl = new CcLink(bus, { address: u.address, replyTimeoutMs: h.replyTimeoutMs, retries: h.retries, clock });
      hl.attach();
      hoppers.push(new HopperUnit(hl, u.address, h.security, u.value));
    }
  }
  return { link, recycler, coinAcceptor, hoppers, ports };
}

export function warnAboutKey(config: CashConfig, log: Logger): void {
  const { encryption } = config.validator;
  if (config.payout.recycler && !encryption.enabled) log.error('the note recycler pays out only over eSSP: set devices.cash.validator.encryption.enabled');
  if (config.simulate) return;
  if (!encryption.enabled) log.warn('eSSP encryption is off: note events travel in clear on the serial line');
  else if (encryption.fixedKey.toLowerCase() === FACTORY_FIXED_KEY) {
    log.error('SECURITY: the eSSP fixed key is the factory default (0123456701234567); set devices.cash.validator.encryption.fixedKey to the key programmed in the validator');
  }
}
