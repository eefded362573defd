// Child process that runs one throwaway Verdaccio registry: loads the config file named in argv[2],
// listens on 127.0.0.1 at a port the kernel picks, then writes `listening <port>` on stdout (the
// parent's ready signal). It exits when its stdin reaches EOF, so it never outlives the parent,
// even one killed by SIGKILL.
import { runServer } from 'verdaccio';

const configPath = process.argv[2];
if (!configPath) {
  console.error('usage: verdaccio-server.mjs <config.yaml>');
  process.exit(2);
}
const server = await runServer(configPath);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
server.on('error', (error) => {
  console.error(`verdaccio: ${error.message}`);
  process.exit(1);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
