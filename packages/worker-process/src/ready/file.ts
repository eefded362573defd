// Ready.file(path): a file (or directory) appears. Event-driven: fs.watch plus a first check.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkPath } from './validate.js';
import { watchPath } from './watch-path.js';
import { defineStrategy, type ReadyStrategy } from './strategy.js';

export function file(path: string): ReadyStrategy {
  const target = resolve(checkPath('Ready.file()', path));
  return defineStrategy({
    kind: 'file',
    description: `the file ${target} to exist`,
    needs: {},
    start(context) {
      let events = 0;
      let found = false;
      const result = new Promise<{ by: string; payload: string; path: string }>((done) => {
        watchPath(target, context.signal, () => {
          events++;
          if (found || !existsSync(target)) return;
          found = true;
          context.observe('file', `${target} exists`);
          done({ by: 'file', payload: target, path: target });
        });
      });
      return { result, report: () => `file: ${target} ${found ? 'exists' : 'does not exist'} (${events} checks)` };
    },
  });
}
