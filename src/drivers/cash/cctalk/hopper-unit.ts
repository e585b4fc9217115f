/** One ccTalk coin hopper as the driver sees it: identity, enable, guarded dispense, status, counters. */
import { KioskError } from '../../../core/errors.js';
import { CcHeader, parseCoinId } from './codec.js';
import {
  CcPayoutHeader, encodeDispense, HOPPER_ENABLE_CODE, parseDispenseCount, parseHighLow, parseHopperStatus, parseTestHopper,
  type HopperLevelSensors, type HopperSecurity, type HopperStatus, type HopperTest,
} from './hopper.js';
import type { CcLink } from './link.js';

export class HopperUnit {
  value = 0;
  private serial: Uint8Array | undefined;

  constructor(
    private readonly link: CcLink,
    readonly address: number,
    private readonly security: HopperSecurity,
    /** Coin value from config, for hoppers that cannot tell theirs (REQUEST HOPPER COIN unknown). */
    private readonly configuredValue: number | undefined,
  ) {}

  /** Poll, serial number, coin value; leaves the hopper enabled. */
  async connect(): Promise<void> {
    await this.link.request(CcHeader.SIMPLE_POLL);
    this.serial = await this.link.request(CcPayoutHeader.REQUEST_SERIAL_NUMBER);
    const id = await this.link.request(CcPayoutHeader.REQUEST_HOPPER_COIN).then(parseCoinId, () => undefined);
    this.value = this.configuredValue ?? id?.value ?? 0;
    if (this.value <= 0) throw new KioskError('CONFIG_INVALID', `hopper ${this.address} does not say its coin: set its value in devices.cash.hoppers`);
    await this.enable(true);
  }

  async enable(on: boolean): Promise<void> {
    await this.link.request(CcPayoutHeader.ENABLE_HOPPER, Uint8Array.of(on ? HOPPER_ENABLE_CODE : 0));
  }

  /** Send DISPENSE HOPPER COINS; resolves once the hopper took it. A NAK (refused) is a PROTOCOL_ERROR. */
  async dispense(count: number): Promise<void> {
    if (this.security === 'cipher-none') {
      await this.link.request(CcPayoutHeader.PUMP_RNG, new Uint8Array(8));
      await this.link.request(CcPayoutHeader.REQUEST_CIPHER_KEY);
    }
    await this.link.request(CcPayoutHeader.DISPENSE_HOPPER_COINS, encodeDispense(count, this.security, this.serial));
  }

  async status(): Promise<HopperStatus> {
    return parseHopperStatus(await this.link.request(CcPayoutHeader.REQUEST_HOPPER_STATUS));
  }

  /** Lifetime count of coins paid out, kept by the hopper through power cuts. */
  async dispenseCount(): Promise<number> {
    return parseDispenseCount(await this.link.request(CcPayoutHeader.REQUEST_HOPPER_DISPENSE_COUNT));
  }

  async test(): Promise<HopperTest> {
    return parseTestHopper(await this.link.request(CcPayoutHeader.TEST_HOPPER));
  }

  async sensors(): Promise<HopperLevelSensors> {
    return parseHighLow(await this.link.request(CcPayoutHeader.REQUEST_PAYOUT_HIGH_LOW_STATUS));
  }

  async emergencyStop(): Promise<number> {
    return (await this.link.request(CcPayoutHeader.EMERGENCY_STOP))[0] ?? 0;
  }
}
