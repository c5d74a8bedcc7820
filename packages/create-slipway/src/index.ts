export { main, type MainContext } from './main.js';
export { createWorkspace, nextSteps, type CreateContext } from './create.js';
export { planWorkspace, type PlannedFile, type PlanVersions, type Step, type WorkspacePlan } from './plan.js';
export type { Answers } from './answers.js';
export type { FileSystem } from './fs-port.js';
export type { Runner } from './runner.js';
