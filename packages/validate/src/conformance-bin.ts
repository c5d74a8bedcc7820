#!/usr/bin/env node
import { runConformanceCli } from './conformance-cli.js';

process.exitCode = await runConformanceCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  nodeVersion: process.version,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
