import { parse } from 'yaml';
import { checkJobs, checkStages } from './azure-pipelines-dependencies.js';
import { checkScanBeforePush } from './azure-pipelines-image-scan.js';
import { checkMigrationCredential } from './azure-pipelines-migration-credential.js';
import { schemaProblems } from './azure-pipelines-schema-problems.js';
import { checkSecrets } from './azure-pipelines-secrets.js';
import { stagesOf } from './azure-pipelines-structure.js';
import { isObject } from './json-shapes.js';
import { isAzurePipeline } from './shell.js';
import type { ArtifactValidator } from './types.js';
import { eachFile } from './each-file.js';

export { AZURE_PIPELINES_SCHEMA } from './azure-pipelines-schema.js';
export { schemaProblems } from './azure-pipelines-schema-problems.js';

/** Slipway's policy, where the schema is loose (every scalar is a string, references are not resolved). */
export function pipelinePolicyProblems(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const stages = stagesOf(doc);
  return [
    ...checkStages(stages),
    ...checkJobs(doc, stages),
    ...checkSecrets(doc),
    ...checkScanBeforePush(doc, stages),
    ...checkMigrationCredential(doc, stages),
  ];
}

/** Azure Pipelines YAML, parsed as the service does: every scalar a string (YAML failsafe schema). */
export function parsePipeline(text: string): unknown {
  return parse(text, { schema: 'failsafe' });
}

/** Azure Pipelines YAML against Microsoft's schema (with readable errors), plus Slipway's policy. */
export const azurePipelinesValidator: ArtifactValidator = {
  name: 'Azure Pipelines (service-schema.json + policy)',
  appliesTo: isAzurePipeline,
  validate: eachFile(isAzurePipeline, (_file, text) => {
    let doc: unknown;
    try {
      doc = parsePipeline(text);
    } catch (error) {
      return [`not valid YAML: ${(error as Error).message}`];
    }
    return [...schemaProblems(doc), ...pipelinePolicyProblems(doc)];
  }),
};
