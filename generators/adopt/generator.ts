import { logger, type Tree } from '@nx/devkit';
import { readGeneratorRecord, writeGeneratorRecord } from '../../packages/nx/src/answers.js';
import { optionsError, parseOptions } from '../../packages/nx/src/options.js';
import { slipwayVersion } from '../../packages/nx/src/package-paths.js';
import { checklist } from './lib/checklist.js';
import { detect } from './lib/detect.js';
import { adoptSchema, type AdoptSchema } from './schema.js';
import { projects } from '../../packages/nx/src/projects.js';

export const ADOPT = '@slipway/nx:adopt';

/**
 * `nx g @slipway/nx:adopt <project>`: records what an existing project has, changes none of it,
 * and prints the checklist that leads to Slipway's standard layout. After it, the deployment
 * generators and `update` apply to the project.
 */
export default async function adoptGenerator(tree: Tree, schema: AdoptSchema): Promise<void> {
  const { project } = parseOptions(tree, 'adopt', adoptSchema, schema);
  const config = projects(tree).get(project);
  if (!config) {
    throw optionsError(ADOPT, [`--project: there is no project named "${project}".`]);
  }
  if (readGeneratorRecord(tree, config.root, '@slipway/nx:new-mcp-service')) {
    logger.info(`${project} was created by Slipway: nothing to adopt. Run nx g @slipway/nx:update ${project} to bring it up to date.`);
    return;
  }
  const facts = detect(tree, project, config.root);
  const items = checklist(tree, project, facts);
  writeGeneratorRecord(tree, config.root, ADOPT, {
    version: slipwayVersion,
    options: { project, detected: facts.detected.map((d) => `${d.kind}:${d.path}`) },
    files: {},
  });
  logger.info(`Adopted ${project}. Found: ${facts.detected.map((d) => d.path).join(', ') || 'no deployment files'}.`);
  logger.info(`Compared with Slipway's standard layout:`);
  for (const item of items) logger.info(`  [${item.ok ? 'x' : ' '}] ${item.text}${!item.ok && item.fix ? ` → ${item.fix}` : ''}`);
}
