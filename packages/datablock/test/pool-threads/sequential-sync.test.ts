import { afterAll, expect, it } from 'vitest';
import { exchange, threadNamer } from './exchange.js';

const names = threadNamer('sequential-sync');
afterAll(() => {
  names.cleanup();
  expect(names.leftovers()).toEqual([]);
});

it('a sequential-sync block used by this test file\'s thread while other files use theirs', async () => {
  for (let round = 0; round < 5; round++) await exchange(names.next(), 'sequential-sync', 200);
});
