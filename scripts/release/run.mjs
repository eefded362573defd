// Runs a program to completion for the release scripts: captured output, a time bound that kills
// the whole process group (so a hung example leaves nothing running), and the duration.
import { spawn } from 'node:child_process';

export function run(file, args, { cwd, env, timeoutMs = 300_000, echo = false } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
      if (output.length > 1_000_000) output = output.slice(-200_000);
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, output: `${output}${error.message}\n`, ms: performance.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      // The example or install may have left grandchildren in the group: end them too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      resolve({ code, signal, timedOut, output, ms: performance.now() - started });
    });
  });
}

/** Throws with the output's tail unless the run exited 0. */
export async function mustRun(file, args, options) {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${options?.timeoutMs ?? 300_000} ms` : `exit ${result.code ?? result.signal}`;
    throw new Error(`${file} ${args.join(' ')} (in ${options?.cwd ?? process.cwd()}): ${why}\n${tail(result.output)}`);
  }
  return result;
}

export function tail(text, lines = 40) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
