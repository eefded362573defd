import { afterAll, expect, it } from 'vitest';
import { exchange, threadNamer } from './exchange.js';

const names = threadNamer('latest-only');
afterAll(() => {
  names.cleanup();
  expect(names.leftovers()).toEqual([]);
});

it('a latest-only block used by this test file\'s thread while other files use theirs', async () => {
  for (let round = 0; round < 5; round++) await exchange(names.next(), 'latest-only', 200);
});
