export { default as newMcpServiceGenerator } from '../../../generators/new-mcp-service/generator.js';
export { default as initGenerator } from '../../../generators/init/generator.js';
export { default as updateGenerator } from '../../../generators/update/generator.js';
export { default as presetGenerator } from '../../../generators/preset/generator.js';
export { default as adoptGenerator } from '../../../generators/adopt/generator.js';
export { serviceNameProblems } from './names.js';
export { versions } from './versions.js';
// The re-rendering API: `update` in a later version loads this version and calls these.
export { captureRenders, type CapturedGeneration } from './generate-layer.js';
export { generatorsByKey } from './generator-registry.js';
export { slipwayVersion } from './package-paths.js';
