// Child process for the SIGTERM test: serves the sample capabilities and prints its URL on stdout.
import { baseConfigSchema, loadConfig, startHttpService } from '../index.js';
import { capabilities, info } from './sample.js';

const config = { ...loadConfig(baseConfigSchema), PORT: 0 };
const service = await startHttpService({
  info,
  capabilities,
  config,
  onShutdown: () => {
    process.stderr.write('hook ran\n');
  },
});
process.stderr.write(`READY ${service.url}\n`);
