export { default as newMcpServiceGenerator } from '../../../generators/new-mcp-service/generator.js';
export { default as initGenerator } from '../../../generators/init/generator.js';
export { serviceNameProblems } from './names.js';
export { versions } from './versions.js';
