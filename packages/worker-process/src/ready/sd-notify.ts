// Ready.sdNotify(): the systemd notify protocol without systemd. The child gets NOTIFY_SOCKET;
// READY=1 resolves, STATUS= lines are recorded, ERRNO= or STOPPING=1 before ready fails at once.
// Datagrams from any process of the child's tree count (postgres notifies from a grandchild);
// those from a live process outside the tree are ignored.
import { parentPid } from '../proc/tree.js';
import { loadNotifySocket } from './load-native.js';
import type { NotifyMessage } from './notify-channel.js';
import { checkOnEachChange, defineStrategy, ReadyFailure, type ReadyStrategy } from './strategy.js';

/** True when `pid` is `root` or one of its descendants, or is already gone (cannot be told). */
export function inTreeOrGone(pid: number, root: number): boolean {
  let current: number | undefined = pid;
  for (let depth = 0; current !== undefined && current > 1 && depth < 64; depth++) {
    if (current === root) return true;
    const next = parentPid(current);
    if (next === undefined) return depth === 0; // the sender itself is gone
    current = next;
  }
  return false;
}

export type NotifyVerdict =
  | { kind: 'ready'; status?: string }
  | { kind: 'failed'; why: string }
  | { kind: 'pending' };

/** Reads the messages received so far, in order; the first READY=1 or failure decides. */
export function judgeNotify(messages: readonly NotifyMessage[]): NotifyVerdict {
  let status: string | undefined;
  for (const message of messages) {
    for (const [key, value] of message.fields) {
      if (key === 'STATUS') status = value;
      else if (key === 'READY' && value === '1') return status === undefined ? { kind: 'ready' } : { kind: 'ready', status };
      else if (key === 'ERRNO') return { kind: 'failed', why: `it sent ERRNO=${value}${status ? ` (last STATUS=${status})` : ''}` };
      else if (key === 'STOPPING' && value === '1') return { kind: 'failed', why: `it sent STOPPING=1 before READY=1${status ? ` (last STATUS=${status})` : ''}` };
    }
  }
  return { kind: 'pending' };
}

export function sdNotify(): ReadyStrategy {
  loadNotifySocket(); // fail at the call site, with what to install, rather than at spawn
  return defineStrategy({
    kind: 'sdNotify',
    description: 'READY=1 on the sd_notify socket in $NOTIFY_SOCKET',
    needs: { notifySocket: true },
    start(context) {
      const channel = context.notify!;
      const counted = (): NotifyMessage[] => channel.messages.filter((m) => inTreeOrGone(m.pid, context.pid));
      let observed = 0;
      const result = new Promise<{ by: string; payload?: string; status?: string; pid?: number }>((resolve, reject) => {
        const check = (): boolean => {
          const messages = counted();
          for (; observed < channel.messages.length; observed++) {
            const m = channel.messages[observed]!;
            context.observe('sdNotify', `pid ${m.pid}: ${m.fields.map(([k, v]) => `${k}=${v}`).join(' ')}${messages.includes(m) ? '' : ' (ignored: not in the process tree)'}`);
          }
          const verdict = judgeNotify(messages);
          if (verdict.kind === 'pending') return false;
          if (verdict.kind === 'failed') reject(new ReadyFailure('sdNotify', verdict.why));
          else resolve(verdict.status === undefined ? { by: 'sdNotify' } : { by: 'sdNotify', payload: verdict.status, status: verdict.status });
          return true;
        };
        checkOnEachChange(check, (onChange) => channel.onMessage(onChange), context.signal);
      });
      return {
        result,
        report: () => {
          const messages = counted();
          const statuses = messages.flatMap((m) => m.fields.filter(([k]) => k === 'STATUS').map(([, v]) => v));
          return `sdNotify: ${messages.length} message(s) on ${channel.path}${statuses.length ? `, last STATUS=${statuses.at(-1)}` : ''}, no READY=1`;
        },
      };
    },
  });
}
