/** What a build names the things it makes at the provider (its key, by default its image): stage and run, readable. */
export function buildName(request: { pipeline: string; stage: string; runId: string }): string {
  return `nx-bake-${request.pipeline}-${request.stage}-${request.runId.slice(0, 8)}`;
}
