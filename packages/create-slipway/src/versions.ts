import { readFileSync } from 'node:fs';
import { nodeEngine, versions } from '@slipway/nx/versions';
import type { PlanVersions } from './plan.js';

interface OwnManifest {
  readonly version: string;
}

// src/ and dist/ sit at the same depth, so package.json is one folder up from either.
const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as OwnManifest;

/** What a new workspace pins: this release of Slipway, and the Nx it is built and tested with. */
export const planVersions: PlanVersions = { slipway: own.version, nx: versions.nx, node: nodeEngine };
