export { createNodes, createNodesV2 } from './nx/create-nodes';
export { createDependencies } from './nx/create-dependencies';
export type { NxBakePluginOptions } from './nx/names';
export { postTasksExecution } from './nx/post-tasks-summary';
