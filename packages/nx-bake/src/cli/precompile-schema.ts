/**
 * Build step (`npm run build`): writes the pipeline schema's validator, compiled ahead of time, next to
 * `dist/pipeline/schema.js`, so that `nx-bake validate` does not spend its first few hundred
 * milliseconds compiling the schema. Without it (or when it is stale) the schema is compiled at run time.
 */
import { relative } from 'node:path';
import { PRECOMPILED_VALIDATOR_PATH, writePrecompiledValidator } from '../pipeline/schema';

writePrecompiledValidator();
process.stdout.write(`wrote ${relative(process.cwd(), PRECOMPILED_VALIDATOR_PATH)}\n`);
