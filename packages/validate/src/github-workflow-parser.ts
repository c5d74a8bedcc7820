import { register } from 'node:module';

// GitHub's own parser. It imports its JSON schemas without import attributes, which plain Node
// refuses, so a tiny loader hook serves .json files as JSON modules (vitest needs no hook, and it
// does no harm there).

const JSON_HOOK = `
import { readFile } from 'node:fs/promises';
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.json')) {
    return { format: 'json', source: await readFile(new URL(url), 'utf8'), shortCircuit: true };
  }
  return nextLoad(url, context);
}`;

type WorkflowParser = typeof import('@actions/workflow-parser');
type Convert = typeof import('@actions/workflow-parser/model/convert');
let parser: Promise<[WorkflowParser, Convert]> | undefined;

function loadParser(): Promise<[WorkflowParser, Convert]> {
  if (!parser) {
    register(`data:text/javascript,${encodeURIComponent(JSON_HOOK)}`);
    parser = Promise.all([import('@actions/workflow-parser'), import('@actions/workflow-parser/model/convert')]);
  }
  return parser;
}

/** Schema, expressions, job graph: what GitHub itself would reject when the workflow is pushed. */
export async function parserErrors(file: string, text: string): Promise<string[]> {
  const [{ parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter }, { ErrorPolicy }] = await loadParser();
  const parsed = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, { errorPolicy: ErrorPolicy.TryConversion });
    for (const error of template.errors ?? []) if (!messages.includes(error.Message)) messages.push(error.Message);
  }
  return messages;
}
