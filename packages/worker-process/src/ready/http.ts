// Ready.http(pathOrUrl): an HTTP answer with the expected status (and body). A path is resolved
// against the address the process tree listens on (found in /proc, so ::1 vs 127.0.0.1 is read,
// not guessed). Requests are repeated with backoff; the last status, body excerpt or error is kept.
import { request } from 'node:http';
import { pollUntil } from './poll.js';
import { watchListening } from './listening.js';
import type { ListeningSocket } from './proc-net.js';
import { badStrategyArgument, checkOptions } from './validate.js';
import { defineStrategy, type ReadyStrategy } from './strategy.js';

export interface HttpOptions {
  method?: string;
  /** Expected status: a number, a list, or a predicate (default: any 2xx). */
  status?: number | readonly number[] | ((status: number) => boolean);
  /** The body must contain this string or match this RegExp. */
  body?: string | RegExp;
  /** Request headers. */
  headers?: Record<string, string>;
  /** For a path: the port to use (default: the first port the tree listens on). */
  port?: number;
}

/** Bound of one request, so a server that accepts and never answers cannot hang the wait. */
const REQUEST_BOUND_MS = 2_000;
const BODY_EXCERPT = 200;

interface Answer { status?: number; body?: string; error?: string }

function send(url: URL, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent: false, signal, timeout: REQUEST_BOUND_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_BOUND_MS} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

/** The URL a client on this machine uses for a listening socket (wildcards mean loopback). */
export function loopbackUrl(socket: ListeningSocket, path: string): URL {
  const host = socket.address === '0.0.0.0' ? '127.0.0.1' : socket.address === '::' ? '[::1]' : socket.family === 6 ? `[${socket.address}]` : socket.address;
  return new URL(path, `http://${host}:${socket.port}`);
}

export function http(pathOrUrl: string, options?: HttpOptions): ReadyStrategy {
  const where = 'Ready.http()';
  if (typeof pathOrUrl !== 'string' || !(pathOrUrl.startsWith('/') || /^https?:\/\//.test(pathOrUrl))) {
    throw badStrategyArgument(where, "the first argument must be a path like '/health' (resolved against the listening address) or an http:// URL", pathOrUrl);
  }
  if (pathOrUrl.startsWith('https:')) throw badStrategyArgument(where, 'https is not supported; pass the http:// URL or a path', pathOrUrl);
  const o = checkOptions(where, options, ['method', 'status', 'body', 'headers', 'port']) as HttpOptions;
  const method = o.method ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) throw badStrategyArgument(where, "method must be an upper-case HTTP method like 'GET'", method);
  const status = o.status;
  const statusOk =
    status === undefined ? (s: number) => s >= 200 && s < 300
    : typeof status === 'number' ? (s: number) => s === status
    : Array.isArray(status) ? (s: number) => status.includes(s)
    : typeof status === 'function' ? status as (s: number) => boolean
    : (() => { throw badStrategyArgument(where, 'status must be a number, an array of numbers or a function', status); })();
  const body = o.body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof RegExp)) throw badStrategyArgument(where, 'body must be a string or a RegExp', body);
  const bodyOk = (text: string): boolean => body === undefined || (typeof body === 'string' ? text.includes(body) : new RegExp(body.source, body.flags.replace(/[gy]/g, '')).test(text));
  const headers = o.headers ?? {};
  const expected = status === undefined ? 'a 2xx status' : typeof status === 'function' ? 'an accepted status' : `status ${String(status)}`;
  return defineStrategy({
    kind: 'http',
    description: `${method} ${pathOrUrl} answering ${expected}${body !== undefined ? ` with a body matching ${String(body)}` : ''}`,
    needs: {},
    start(context) {
      let last: Answer & { url?: string } = {};
      let requests = 0;
      const isPath = pathOrUrl.startsWith('/');
      const listen = isPath ? watchListening(context, { port: o.port }, 'http') : undefined;
      const result = (async () => {
        const url = listen ? loopbackUrl((await listen.result).listening.find((s) => o.port === undefined || s.port === o.port)!, pathOrUrl) : new URL(pathOrUrl);
        return pollUntil(context, async () => {
          requests++;
          const answer = await send(url, method, headers, context.signal);
          if (answer.status !== last.status || answer.error !== last.error) {
            context.observe('http', `${method} ${url.href} → ${answer.status ?? answer.error}`);
          }
          last = { ...answer, url: url.href };
          if (answer.status !== undefined && statusOk(answer.status) && bodyOk(answer.body ?? '')) {
            return { by: 'http', payload: String(answer.status), status: answer.status, url: url.href, body: answer.body };
          }
          return undefined;
        });
      })();
      return {
        result,
        report: () => {
          if (requests === 0) return listen ? listen.report().replace(/^http:/, 'http (no request yet):') : 'http: no request yet';
          const what = last.status !== undefined ? `last answer ${last.status}${last.body ? `, body ${JSON.stringify(last.body.slice(0, BODY_EXCERPT))}` : ''}` : `last error ${last.error}`;
          return `http: ${method} ${last.url}: ${what} (${requests} requests, expected ${expected}${body !== undefined ? ` and a body matching ${String(body)}` : ''})`;
        },
      };
    },
  });
}
