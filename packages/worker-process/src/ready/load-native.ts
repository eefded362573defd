// Loads @plh/datablock-native only when Ready.sdNotify() is used: @plh/worker-process itself
// installs no native code (the addon is an optional peer dependency).
import { createRequire } from 'node:module';
import { WorkerProcessError } from '../errors.js';

export interface NotifySocketLike {
  readonly path: string;
  close(): void;
  unref(): void;
}

type NotifySocketClass = new (path: string, onMessage: (message: { pid: number; uid: number; text: string }) => void) => NotifySocketLike;

const ADDON = '@plh/datablock-native';

function requireFromHere(): NodeRequire {
  // Resolved from this package, in both builds (tsup's shims give the CJS build an import.meta.url).
  return createRequire(import.meta.url);
}

/** The NotifySocket class of the addon, or ERR_WORKER_READY_NATIVE_MISSING saying what to install. */
export function loadNotifySocket(): NotifySocketClass {
  let addon: { NotifySocket?: NotifySocketClass };
  try {
    addon = requireFromHere()(ADDON) as typeof addon;
  } catch (error) {
    throw new WorkerProcessError(
      'ERR_WORKER_READY_NATIVE_MISSING',
      `Ready.sdNotify() needs the native addon ${ADDON} (Node cannot receive Unix datagrams by itself), and it could not be loaded: ${(error as Error).message.split('\n')[0]}. ` +
        `Install it next to @plh/worker-process: \`pnpm add -D ${ADDON}\` (or npm i -D ${ADDON}); with pnpm, allow its build in pnpm-workspace.yaml (allowBuilds: { '${ADDON}': true }) unless a prebuilt binary loads.`,
      { cause: error },
    );
  }
  if (typeof addon.NotifySocket !== 'function') {
    throw new WorkerProcessError(
      'ERR_WORKER_READY_NATIVE_MISSING',
      `Ready.sdNotify() needs NotifySocket from ${ADDON}, and the installed version has none. Upgrade it: \`pnpm add -D ${ADDON}@latest\`.`,
    );
  }
  return addon.NotifySocket;
}
