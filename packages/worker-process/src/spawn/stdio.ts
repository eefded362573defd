import { prepareReadySignal, READY_FD_ENV, RELEASE_FD_ENV, type ReadySignalSetup } from '@plh/ready-signal';
import type { NormalizedOptions } from '../arguments/options.js';
import { NotifyChannel } from '../ready/notify-channel.js';
import { LIFELINE_FD_ENV } from './lifeline-env.js';

export interface ChildPlumbing {
  stdio: ['ignore', 'pipe', 'pipe', ...Array<'pipe'>];
  env: Record<string, string | undefined>;
  ready: ReadySignalSetup | undefined;
  lifelineFd: number;
  /** The sd_notify socket (Ready.sdNotify()); its path is in NOTIFY_SOCKET. */
  notify: NotifyChannel | undefined;
}

/**
 * fd 0 /dev/null, fd 1-2 captured, then the ready (and release) pipes when asked for, then the
 * lifeline pipe the child watches for EOF (its parent's death). Variables inherited from our own
 * parent that would point at the wrong fds are removed.
 */
export function planChildPlumbing(options: NormalizedOptions): ChildPlumbing {
  const ready = options.readySignal ? prepareReadySignal({ release: options.release, firstFd: 3 }) : undefined;
  const extra = ready ? ready.stdio : [];
  const lifelineFd = 3 + extra.length;
  const notify = options.ready?.needs.notifySocket ? new NotifyChannel() : undefined;
  return {
    stdio: ['ignore', 'pipe', 'pipe', ...extra, 'pipe'],
    env: {
      ...options.env,
      [READY_FD_ENV]: undefined,
      [RELEASE_FD_ENV]: undefined,
      ...(ready ? ready.env : {}),
      [LIFELINE_FD_ENV]: String(lifelineFd),
      ...(notify ? { NOTIFY_SOCKET: notify.path } : {}),
    },
    ready,
    lifelineFd,
    notify,
  };
}
