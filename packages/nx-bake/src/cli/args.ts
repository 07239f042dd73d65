/** Command-line arguments of `nx-bake validate`. Values are never echoed back: a mistyped one could be a secret. */

export const USAGE = `Usage: nx-bake validate <pipeline.yaml> [options]

Checks a pipeline file (syntax, schema, references, cycles, files, variables, templates) and prints
every problem as file:line:col: message.

Options:
  --var name=value        set a variable (repeatable; later wins)
  --var-file <file>       read variables from a YAML or JSON file (repeatable; later wins)
  --workspace-root <dir>  the workspace root (default: the nearest folder above the file with nx.json,
                          else the current folder)
  -h, --help              show this help

Exit codes: 0 valid, 1 invalid (or another error), 2 bad usage.
Environment: BAKE_VAR_<name> sets a variable; NX_BAKE_DEBUG=1 (any value but 0) prints stack traces of internal errors.
`;

export class UsageError extends Error {}

export interface ValidateArgs {
  pipelineFile: string;
  vars: string[];
  varFiles: string[];
  workspaceRoot?: string;
}

const OPTIONS: Record<string, 'vars' | 'varFiles' | 'workspaceRoot'> = {
  '--var': 'vars',
  '--var-file': 'varFiles',
  '--varFile': 'varFiles',
  '--workspace-root': 'workspaceRoot',
  '--workspaceRoot': 'workspaceRoot',
};

export function parseValidateArgs(argv: string[]): ValidateArgs | 'help' {
  const positional: string[] = [];
  const vars: string[] = [];
  const varFiles: string[] = [];
  let workspaceRoot: string | undefined;
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositional || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const option = OPTIONS[flag];
    // Only the flag's name is shown (`--vra=token=...` must not print the token).
    if (!option) throw new UsageError(`unknown option '${flag}'`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i];
    else throw new UsageError(`${flag} needs a value`);
    if (option === 'vars') vars.push(value);
    else if (option === 'varFiles') {
      if (value === '') throw new UsageError(`${flag} needs a file`);
      varFiles.push(value);
    } else {
      if (value === '') throw new UsageError(`${flag} needs a folder`);
      if (workspaceRoot !== undefined) throw new UsageError(`${flag} given more than once`);
      workspaceRoot = value;
    }
  }
  if (positional.length === 0) throw new UsageError('missing the pipeline file');
  // The extra arguments are not shown: one could be a value meant for --var.
  if (positional.length > 1) throw new UsageError(`expected one pipeline file, got ${positional.length} arguments (use --var name=value for variables)`);
  if (positional[0] === '') throw new UsageError('the pipeline file is an empty string');
  return { pipelineFile: positional[0], vars, varFiles, workspaceRoot };
}
