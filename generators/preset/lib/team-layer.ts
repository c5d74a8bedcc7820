import { readJson, updateJson, type Tree } from '@nx/devkit';

interface PluginEntry {
  plugin: string;
  options?: { layers?: unknown } & Record<string, unknown>;
}

interface NxJson {
  plugins?: Array<string | PluginEntry>;
}

const SLIPWAY_PLUGINS = new Set(['@slipway/nx', '@slipway/nx/plugin']);

/**
 * Declares a team layer folder in the Slipway plugin entry of nx.json (`options.layers`), after
 * the layers already there, so its templates and defaults apply to every later generation.
 * Expects the entry that init registers.
 */
export function declareTeamLayer(tree: Tree, folder: string): void {
  const plugins = readJson<NxJson>(tree, 'nx.json').plugins ?? [];
  const index = plugins.findIndex((p) => SLIPWAY_PLUGINS.has(typeof p === 'string' ? p : p.plugin));
  if (index < 0) throw new Error('nx.json has no @slipway/nx/plugin entry to declare the team layer in');
  const entry = plugins[index]!;
  const current = typeof entry === 'string' ? [] : entry.options?.layers;
  const layers = Array.isArray(current) ? current : [];
  if (layers.includes(folder)) return;
  updateJson<NxJson>(tree, 'nx.json', (json) => {
    const list = [...(json.plugins ?? [])];
    const old = list[index]!;
    list[index] = typeof old === 'string' ? { plugin: old, options: { layers: [folder] } } : { ...old, options: { ...old.options, layers: [...layers, folder] } };
    return { ...json, plugins: list };
  });
}
