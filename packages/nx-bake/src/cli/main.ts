#!/usr/bin/env node
/**
 * `nx-bake` on the command line, without Nx: `nx-bake validate <pipeline.yaml> [--var k=v ...]
 * [--var-file f ...] [--workspace-root dir]`. Thin: arguments in, the pipeline model does the work.
 *
 * Exit codes: 0 valid; 1 invalid input (the `file:line:col: message` lines on stderr) or any other
 * failure (its message; the stack only with NX_BAKE_DEBUG set, as in the executors); 2 bad usage (with the usage text).
 *
 * Startup is kept light: the pipeline model (yaml, ajv, nunjucks) is loaded only once the arguments
 * are known good, Nx only for a pipeline whose stages bake Nx projects in, and nothing of the bake side
 * (docker, ssh, listr2) at all.
 */
import { describeError } from '../progress/describe-error';
import { parseValidateArgs, UsageError, USAGE } from './args';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    if (command === undefined) throw new UsageError('missing the command');
    // Named only when it looks like one: the first argument could be anything, a secret too.
    if (command !== 'validate') throw new UsageError(/^[a-z][a-z-]{0,30}$/.test(command) ? `unknown command '${command}'` : 'unknown command');
    const args = parseValidateArgs(rest);
    if (args === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    // Loaded here, not at the top: usage errors and --help stay instant.
    return await (require('./validate-command') as typeof import('./validate-command')).validateCommand(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`nx-bake: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a problem of the input: say what failed, in one line, unless asked for the details.
    process.stderr.write(`nx-bake: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
