// Every generator of generator-table.ts, under its camel-cased name (generator-table.spec.ts checks).
export { default as newMcpServiceGenerator } from '../../../generators/new-mcp-service/generator.js';
export { default as updateGenerator } from '../../../generators/update/generator.js';
export { default as adoptGenerator } from '../../../generators/adopt/generator.js';
export { default as dockerGenerator } from '../../../generators/docker/generator.js';
export { default as composeGenerator } from '../../../generators/compose/generator.js';
export { default as k8sGenerator } from '../../../generators/k8s/generator.js';
export { default as azureGenerator } from '../../../generators/azure/generator.js';
export { default as githubActionsGenerator } from '../../../generators/github-actions/generator.js';
export { default as azurePipelinesGenerator } from '../../../generators/azure-pipelines/generator.js';
export { default as presetGenerator } from '../../../generators/preset/generator.js';
export { default as initGenerator } from '../../../generators/init/generator.js';
export { default as syncGenerator } from '../../../generators/sync/generator.js';
export { serviceNameProblems } from './names.js';
export { versions } from './versions.js';
// The re-rendering API: `update` in a later version loads this version and calls these.
export { captureRenders, type CapturedGeneration } from './generate-layer.js';
export { generatorsByKey } from './generator-registry.js';
export { slipwayVersion } from './package-paths.js';
