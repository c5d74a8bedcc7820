// `npm run validate -- <workspace> [project ...] [--json] [--require-tools]`: the @slipway/validate
// CLI (slipway-validate) from its sources, so the repo checks a workspace without a build.
import { runCli } from '../packages/validate/src/cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
