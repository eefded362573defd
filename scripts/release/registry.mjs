// A throwaway local npm registry (Verdaccio) for the release round trip: writes its config and
// storage under a directory the caller owns, starts scripts/release/verdaccio-server.mjs, waits
// for its `listening <port>` line, creates a publishing user and returns its token.
// `@plh/*` is never proxied (only what we publish here exists); everything else is proxied to
// the registry npm is configured with, so third-party dependencies still install.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverScript = fileURLToPath(new URL('./verdaccio-server.mjs', import.meta.url));

function configYaml(dir, uplink) {
  return `# throwaway registry of pnpm release:local (scripts/release/registry.mjs)
storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    max_users: 10
uplinks:
  upstream:
    url: ${JSON.stringify(uplink)}
    timeout: 60s
packages:
  '@plh/*':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: upstream
max_body_size: 200mb
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;
}

/**
 * Starts the registry. Resolves with { url, token, stop } once it listens and the user exists.
 * `stop()` ends the server and resolves when it has exited; safe to call more than once.
 */
export async function startRegistry({ dir, uplink, timeoutMs = 60_000 }) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, configYaml(dir, uplink));
  const child = spawn(process.execPath, [serverScript, configPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      child.stdin.end();
      const guard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(guard);
    }
    return exited;
  };
  try {
    const port = await new Promise((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`verdaccio did not listen within ${timeoutMs} ms`)), timeoutMs);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        buffered += chunk;
        const match = /^listening (\d+)$/m.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
        if (buffered.length > 65_536) buffered = buffered.slice(-1024);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`verdaccio exited before listening (code ${code}, signal ${signal}); output:\n${buffered}`));
      });
    });
    child.stdout.resume(); // keep draining its log
    const url = `http://127.0.0.1:${port}/`;
    const token = await createUser(url, 'plh-release', `local-${process.pid}-${Date.now()}`);
    return { url, port, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createUser(url, name, password) {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password, type: 'user', roles: [] }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`creating user ${name} on ${url} failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

/** The packument (all versions) of `name` from the registry at `url`, or null when absent. */
export async function packument(url, name) {
  const response = await fetch(new URL(name.replace('/', '%2f'), url));
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET ${name} from ${url}: HTTP ${response.status}`);
  return response.json();
}
