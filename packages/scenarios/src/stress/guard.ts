// Kills helper processes (hogs) on every way out of the stress command: normal end, thrown
// error, process.exit, SIGINT, SIGTERM, SIGHUP. (A SIGKILL of the stress command cannot be
// caught: the hogs then exit by themselves on EOF of their stdin pipe.)
const killers = new Set<() => void>();
let installed = false;

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function killAll(): void {
  for (const kill of killers) {
    try {
      kill();
    } catch {
      // Keep killing the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal as NodeJS.Signals, () => {
      process.stderr.write(`stress: ${signal}: stopping the hogs\n`);
      killAll();
      process.exit(code);
    });
  }
}

/** Registers a synchronous killer; returns a function that unregisters it. */
export function guardProcesses(kill: () => void): () => void {
  install();
  killers.add(kill);
  return () => killers.delete(kill);
}
