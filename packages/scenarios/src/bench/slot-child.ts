// Child of the DataBlock benchmarks. Roles:
//   echo-plh <ping> <pong> <n>        consume from block <ping>, write the same bytes to <pong>
//   echo-socket <path> <bytes> <n>    echo fixed-size messages on a Unix domain socket
//   echo-ipc <n>                      echo messages on the Node IPC channel
//   produce-plh <block> <size> <n>    write n slots of <size> bytes (copy a payload in)
//   produce-plh-batch <block> <size> <n>  the same through producer.writeBatch(BATCH)
//   produce-socket <path> <size> <n>  write n chunks of <size> bytes to a Unix domain socket
// Each signals ready once set up and starts when the parent releases it.
import { connect } from 'node:net';
import { DataBlock } from '@plh/datablock';
import { signalTestReady, waitForRelease } from '@plh/ready-signal';
import { BATCH } from './batch.js';

const WAIT_MS = 120_000;
const [role, ...args] = process.argv.slice(2);

async function ready(): Promise<void> {
  signalTestReady(undefined, { keepOpen: false });
  await waitForRelease({ timeoutMs: WAIT_MS });
}

async function echoPlh(ping: string, pong: string, n: number): Promise<void> {
  const inBlock = DataBlock.attach(ping, { timeoutMs: WAIT_MS });
  const outBlock = DataBlock.attach(pong, { timeoutMs: WAIT_MS });
  const consumer = inBlock.consumer();
  const producer = outBlock.producer();
  await ready();
  for (let i = 0; i < n; i++) {
    const slot = consumer.acquireConsumeSlot({ timeoutMs: WAIT_MS });
    const out = producer.acquireWriteSlot({ timeoutMs: WAIT_MS });
    out.data.set(slot.data);
    const length = slot.length;
    slot.release();
    out.commit(length);
  }
  consumer.close();
  producer.close();
  inBlock.close();
  outBlock.close();
}

async function echoSocket(path: string, bytes: number, n: number): Promise<void> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  await ready();
  let pending = 0;
  let echoed = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.length;
      socket.write(chunk);
      while (pending >= bytes) {
        pending -= bytes;
        if (++echoed === n) resolve();
      }
    });
  });
  socket.end();
}

async function echoIpc(n: number): Promise<void> {
  await ready();
  await new Promise<void>((resolve) => {
    let echoed = 0;
    process.on('message', (message) => {
      process.send!(message);
      if (++echoed === n) resolve();
    });
  });
  process.disconnect();
}

async function producePlh(name: string, size: number, n: number): Promise<void> {
  const block = DataBlock.attach(name, { timeoutMs: WAIT_MS });
  const producer = block.producer();
  const payload = Buffer.alloc(size, 0xab);
  await ready();
  for (let i = 0; i < n; i++) {
    const slot = producer.acquireWriteSlot({ timeoutMs: WAIT_MS });
    slot.data.set(payload);
    slot.commit(size);
  }
  producer.close();
  block.close();
}

async function producePlhBatch(name: string, size: number, n: number): Promise<void> {
  const block = DataBlock.attach(name, { timeoutMs: WAIT_MS });
  const producer = block.producer();
  const payload = Buffer.alloc(size, 0xab);
  const fill = (data: Uint8Array): number => {
    data.set(payload);
    return size;
  };
  await ready();
  for (let i = 0; i < n; ) i += producer.writeBatch(Math.min(BATCH, n - i), fill, { timeoutMs: WAIT_MS });
  producer.close();
  block.close();
}

async function produceSocket(path: string, size: number, n: number): Promise<void> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const payload = Buffer.alloc(size, 0xab);
  await ready();
  for (let i = 0; i < n; i++) {
    if (!socket.write(payload)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

async function main(): Promise<void> {
  const [a, b, c] = args;
  switch (role) {
    case 'echo-plh':
      return echoPlh(a!, b!, Number(c));
    case 'echo-socket':
      return echoSocket(a!, Number(b), Number(c));
    case 'echo-ipc':
      return echoIpc(Number(a));
    case 'produce-plh':
      return producePlh(a!, Number(b), Number(c));
    case 'produce-plh-batch':
      return producePlhBatch(a!, Number(b), Number(c));
    case 'produce-socket':
      return produceSocket(a!, Number(b), Number(c));
    default:
      throw new Error(`slot-child: unknown role '${role}'`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
