/**
 * `nx-bake validate`: `validatePipeline` as the `validate` executor runs it (stage folders required),
 * outside an Nx process. In an Nx workspace `bakes` is checked against the workspace's projects (see
 * workspace-projects.ts); elsewhere a note says it was not. `from: { pipeline }` knows no other
 * pipeline. Paths in the output are as given on the command line (the pipeline file, var files), and
 * relative to the current folder for other files.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { formatDiagnostic, PipelineError, type Diagnostic } from '../pipeline/diagnostics';
import { parsePipelineFile } from '../pipeline/load';
import { validateParsedPipeline } from '../pipeline/validate';
import { UsageError, type ValidateArgs } from './args';
import { workspaceProjects } from './workspace-projects';

/** The nearest folder at or above `dir` holding an `nx.json`. */
export function findWorkspaceRoot(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(resolve(current, 'nx.json'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

const toPosix = (path: string): string => path.split(sep).join('/');

export async function validateCommand(args: ValidateArgs, cwd = process.cwd()): Promise<number> {
  const pipelineAbsolute = resolve(cwd, args.pipelineFile);
  let workspaceRoot: string;
  if (args.workspaceRoot !== undefined) {
    workspaceRoot = resolve(cwd, args.workspaceRoot);
    if (!existsSync(workspaceRoot) || !statSync(workspaceRoot).isDirectory()) {
      throw new UsageError(`--workspace-root ${args.workspaceRoot}: no such folder`);
    }
  } else {
    workspaceRoot = findWorkspaceRoot(dirname(pipelineAbsolute)) ?? cwd;
  }

  // File paths as the user wrote them, by absolute path (var files are relative to the current folder).
  const asGiven = new Map<string, string>([[pipelineAbsolute, args.pipelineFile]]);
  const varFiles = args.varFiles.map((file) => {
    const absolute = resolve(cwd, file);
    if (!asGiven.has(absolute)) asGiven.set(absolute, file);
    return absolute;
  });
  const shown = (d: Diagnostic): Diagnostic => {
    if (d.file === '--var') return d;
    const absolute = resolve(workspaceRoot, d.file);
    const fromCwd = relative(cwd, absolute);
    return { ...d, file: asGiven.get(absolute) ?? (isAbsolute(fromCwd) ? absolute : toPosix(fromCwd)) };
  };

  const pipelineFile = toPosix(relative(workspaceRoot, pipelineAbsolute));
  const parsed = parsePipelineFile(pipelineFile, { workspaceRoot });
  // `bakes` is checked once the file itself is sound (as validatePipeline does), and only then is Nx asked.
  const bakes = [...new Set(parsed.pipeline?.stages.flatMap((stage) => stage.bakes) ?? [])];
  const lookup = bakes.length > 0 ? await workspaceProjects(workspaceRoot, pipelineAbsolute, bakes) : undefined;
  const note = lookup && 'note' in lookup ? `nx-bake: note: ${lookup.note}\n` : '';
  try {
    const pipeline = validateParsedPipeline(parsed, {
      workspaceRoot,
      pipelineFile,
      knownProjects: lookup && 'projects' in lookup ? lookup.projects : undefined,
      vars: args.vars,
      varFiles,
      requireStageFolders: true,
    });
    const count = pipeline.stages.length;
    process.stdout.write(`${args.pipelineFile}: pipeline ${pipeline.name} is valid (${count} ${count === 1 ? 'stage' : 'stages'})\n`);
    process.stderr.write(note);
    return 0;
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    process.stderr.write(error.diagnostics.map((d) => `${formatDiagnostic(shown(d))}\n`).join('') + note);
    return 1;
  }
}
