#!/usr/bin/env node
import { promises as fs } from 'node:fs';
import prompts from 'prompts';
import { main } from './main.js';
import { spawnRunner } from './runner.js';
import { planVersions } from './versions.js';

const code = await main(process.argv.slice(2), {
  fs,
  run: spawnRunner,
  prompt: prompts,
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  cwd: process.cwd(),
  versions: planVersions,
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});
process.exitCode = code;
