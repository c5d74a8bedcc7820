// Modules: the file exists, and the params passed are the params it declares.
import { posix } from 'node:path';
import { bodyOf } from './bicep-declarations.js';
import { type Json, bicepToJson, stringValue } from './bicep-json.js';
import { type BicepFile, at, walk } from './bicep-tree.js';
import type { ValidationProblem } from './types.js';

export function moduleProblems(file: BicepFile, files: ReadonlyMap<string, BicepFile>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  walk(file.root, (node) => {
    if (node.type !== 'module_declaration') return;
    const source = node.namedChildren[1] ? stringValue(node.namedChildren[1]) : '';
    if (/^(br|ts)[:/]/.test(source)) return;
    const target = files.get(posix.normalize(posix.join(posix.dirname(file.path), source)));
    if (!target) {
      problems.push({ file: file.path, message: `${at(node)}: module file '${source}' does not exist` });
      return;
    }
    const body = bodyOf(node);
    const paramsNode = body?.namedChildren.find((p) => p.type === 'object_property' && p.namedChildren[0]?.text === 'params')?.namedChildren[1];
    const passed = paramsNode?.type === 'object' ? Object.keys(bicepToJson(paramsNode) as Json) : undefined;
    if (!passed) return;
    for (const name of passed.filter((p) => !target.params.has(p))) {
      problems.push({ file: file.path, message: `${at(node)}: module '${source}' has no param "${name}"` });
    }
    for (const [name, param] of target.params) {
      if (!param.hasDefault && !passed.includes(name) && !param.node.text.includes('?')) {
        problems.push({ file: file.path, message: `${at(node)}: module '${source}' needs param "${name}", which is not passed` });
      }
    }
  });
  return problems;
}
