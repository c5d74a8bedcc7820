// Child process for the stdio tests: serves the sample capabilities over stdin/stdout, holding an
// open handle as a database pool would, which only its shutdown hook releases.
import { runStdio } from '../index.js';
import { capabilities, info } from './sample.js';

const database = setInterval(() => {}, 60_000);

runStdio({
  info,
  capabilities,
  onShutdown: async () => {
    // STDIO_CHILD_HANG: a hook that never finishes, for the shutdown timeout.
    if (process.env['STDIO_CHILD_HANG'] === '1') await new Promise(() => {});
    clearInterval(database);
    process.stderr.write('database closed\n');
  },
});
