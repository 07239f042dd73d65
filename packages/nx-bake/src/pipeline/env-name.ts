/**
 * A shell variable name: what an environment variable a build sets must be, and what a pipeline variable's
 * name is (it is read from `BAKE_VAR_<name>`). The pipeline schema (schema/pipeline.schema.json) repeats it
 * for `variables` and `env:`, as JSON cannot import it.
 */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
