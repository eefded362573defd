// Child of the readiness benchmark: makes one condition true (a TCP port listening, an HTTP
// server answering 200, a file appearing, a log line) and records the monotonic instant it became
// true (CLOCK_MONOTONIC, shared by all processes on Linux) in a stamp file, or in the line itself.
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { renameSync, writeFileSync, writeSync } from 'node:fs';

const [mode, target, stampFile] = process.argv.slice(2);
const stamp = (): string => process.hrtime.bigint().toString();
// SIGTERM is handled in JavaScript, so it cannot cut the stamp write short.
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1 << 30);

switch (mode) {
  case 'tcp': {
    const server = createServer((socket) => socket.destroy());
    server.listen(Number(target), '127.0.0.1', () => writeFileSync(stampFile!, stamp()));
    break;
  }
  case 'http': {
    const server = createHttpServer((_req, res) => res.end('ok'));
    server.listen(Number(target), '127.0.0.1', () => writeFileSync(stampFile!, stamp()));
    break;
  }
  case 'file': {
    // Written aside, then renamed: the file appears complete, in one step.
    writeFileSync(`${target}.tmp`, 'ready');
    const t = stamp();
    renameSync(`${target}.tmp`, target!);
    writeFileSync(stampFile!, t);
    break;
  }
  case 'log':
    process.stdout.write(`ready ${stamp()}\n`);
    break;
  case 'raw-pipe':
    writeSync(3, stamp());
    break;
  default:
    console.error(`readiness-child: unknown mode '${mode}'`);
    process.exit(2);
}
