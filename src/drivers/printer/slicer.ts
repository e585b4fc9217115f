/**
 * Rendering in slices: long CPU work (a receipt's raster, a preview's decode) calls `maybeYield()`
 * often; every `sliceMs` it gives the event loop back (setImmediate), so timers and I/O — a cash
 * acceptor's poll, an escrow hold, a card terminal's acknowledgement — run in between, and no
 * request waits behind a preview for longer than a slice.
 */
export class Slicer {
  private since = performance.now();

  constructor(
    private readonly sliceMs = 10,
    /** Runs at each yield (the printer driver collects garbage there, see collect.ts). */
    private readonly atYield?: () => void,
  ) {}

  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < this.sliceMs) return;
    this.atYield?.();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
