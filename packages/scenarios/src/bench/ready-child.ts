// Child of the ready-latency benchmark. It takes the monotonic clock (shared by every process on
// Linux: CLOCK_MONOTONIC) just before it signals, by the method named in argv, and sends that
// instant so the parent can compute write → resolve latency.
import { renameSync, writeFileSync, writeSync } from 'node:fs';
import { signalTestReady } from '@plh/ready-signal';

const [method, file] = process.argv.slice(2);

// Stay alive until the parent closes stdin, so no method's measurement overlaps this process's
// exit (on 2 cores an exiting child competes with the parent it just woke).
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
const stamp = () => process.hrtime.bigint().toString();

switch (method) {
  case 'plh':
    signalTestReady(stamp());
    break;
  case 'raw-pipe':
    writeSync(3, stamp());
    break;
  case 'ipc':
    process.send!(stamp(), undefined, {}, () => process.disconnect());
    break;
  case 'poll-file': {
    // Written aside, then renamed: the poller never reads a half-written file.
    const t = stamp();
    writeFileSync(`${file}.tmp`, t);
    renameSync(`${file}.tmp`, file!);
    break;
  }
  default:
    console.error(`ready-child: unknown method '${method}'`);
    process.exit(2);
}
