// The Ready namespace: every way plh can tell that a program is ready (DESIGN.md 7b).
export { signal } from './signal.js';
export { fdLine } from './fd-line.js';
export { log, type LogOptions } from './log.js';
export { listening, type ListeningOptions, type ListeningResult } from './listening.js';
export { http, type HttpOptions } from './http.js';
export { file } from './file.js';
export { socket } from './socket.js';
export { sdNotify } from './sd-notify.js';
export { exit } from './exit.js';
export { command } from './command.js';
export { all, any, sequence } from './combine.js';
