// The C floor of the benchmarks builds with the system compiler and measures a real two-process
// ring and ping-pong (short forms; the figures are the bench's business, not this test's).
import { describe, expect, it } from 'vitest';
import { buildFloor, floorRoundTrips, floorThroughput } from '../src/bench/floor.js';

describe('bench C floor', () => {
  it('builds and moves every slot through its ring', async () => {
    const binary = await buildFloor();
    if (typeof binary !== 'string') {
      // On a developer machine without cc the bench says so; in CI (CI=true) buildFloor throws.
      console.warn(`skipped: ${binary.missing}`);
      return;
    }
    const ring = await floorThroughput(binary, 4096, 64, 20_000);
    expect(ring.slotsPerSecond).toBeGreaterThan(0);
    expect(ring.bytesPerSecond).toBeCloseTo(ring.slotsPerSecond * 4096, -3);
    const trips = await floorRoundTrips(binary, 500, 50);
    expect(trips).toHaveLength(500);
    expect(trips.every((ns) => ns > 0)).toBe(true);
  }, 60_000);

  it('fails loudly on bad arguments instead of printing a figure', async () => {
    const binary = await buildFloor();
    if (typeof binary !== 'string') return;
    await expect(floorThroughput(binary, 0, 64, 10)).rejects.toThrow(/bad arguments/);
  });
});
