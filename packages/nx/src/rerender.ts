import type { Tree } from '@nx/devkit';
import type { GeneratorRecord } from './answers.js';
import { captureRenders, type CapturedGeneration } from './generate-layer.js';
import { generatorsByKey } from './generator-registry.js';
import { slipwayVersion } from './package-paths.js';
import { ScratchTree } from './scratch-tree.js';
import type { RenderingApi } from './slipway-versions.js';
import { restoreTeamLayer } from './team-layers.js';

/** This installed version's re-rendering API. */
export const currentApi: RenderingApi = { slipwayVersion, captureRenders, generatorsByKey };

/**
 * Re-renders a recorded generation in a scratch tree, writing nothing. With `asRecorded`, team
 * layers are first put back as the record saw them (for the base of an update); otherwise they
 * are as they are now.
 */
export async function rerender(
  api: RenderingApi,
  tree: Tree,
  key: string,
  record: GeneratorRecord,
  projectRoot: string,
  asRecorded: boolean,
): Promise<CapturedGeneration> {
  const load = api.generatorsByKey[key];
  if (!load) throw new Error(`@slipway/nx@${api.slipwayVersion} has no generator ${key}`);
  const generator = await load();
  const scratch = new ScratchTree(tree);
  if (asRecorded) for (const layer of record.layers ?? []) restoreTeamLayer(scratch, layer);
  const options = 'skipInstall' in record.options ? { ...record.options, skipInstall: true } : record.options;
  // The mode tells a generator it is re-rendered, so it renders its own files only (an earlier
  // @slipway/nx ignores it: its generators asked captureRenders whether they were capturing).
  const captured = await api.captureRenders(() => generator(scratch, options, { mode: 'rerender' }));
  const mine = captured.find((c) => c.generator === key && c.projectRoot === projectRoot);
  if (!mine) throw new Error(`${key} rendered nothing for ${projectRoot}`);
  return mine;
}
