import { readJson, updateJson, type Tree } from '@nx/devkit';
import { isSlipwayPlugin, type NxJson } from '../../../packages/nx/src/names.js';
import { layerFolders } from '../../../packages/nx/src/team-layers.js';
import { UntrustedFileError, layerFolder } from '../../../packages/nx/src/untrusted.js';

/**
 * Declares a team layer folder in the Slipway plugin entry of nx.json (`options.layers`), after
 * the layers already there, so its templates and defaults apply to every later generation.
 * Expects the entry that init registers. The folder and the layers already declared are checked
 * to be folders inside the workspace (nx.json is a repository file, like the layer).
 */
export function declareTeamLayer(tree: Tree, folder: string): void {
  if (!layerFolder.safeParse(folder).success) {
    throw new UntrustedFileError(`the team layer folder ${JSON.stringify(folder)} must be a normalized folder inside the workspace, e.g. tools/slipway`);
  }
  const plugins = readJson<NxJson>(tree, 'nx.json').plugins ?? [];
  const index = plugins.findIndex(isSlipwayPlugin);
  if (index < 0) throw new Error('nx.json has no @slipway/nx/plugin entry to declare the team layer in');
  const entry = plugins[index]!;
  const current = typeof entry === 'string' ? undefined : entry.options?.layers;
  // Written back as the user wrote them; compared normalized.
  const layers: unknown[] = Array.isArray(current) ? current : [];
  if (current !== undefined && layerFolders(current, index).includes(folder)) return;
  updateJson<NxJson>(tree, 'nx.json', (json) => {
    const list = [...(json.plugins ?? [])];
    const old = list[index]!;
    list[index] =
      typeof old === 'string' ? { plugin: old, options: { layers: [folder] } } : { ...old, options: { ...old.options, layers: [...layers, folder] } };
    return { ...json, plugins: list };
  });
}
