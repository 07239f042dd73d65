import { ENV_NAME } from '../pipeline/env-name';

/**
 * Parses `KEY=value` entries (shell `environment_vars`, ansible `ansible_env_vars`) into a map.
 * Errors name the entry by position and key only: values may be secrets.
 */
export function parseEnvironmentList(entries: string[] | undefined, field: string): Record<string, string> {
  const env: Record<string, string> = {};
  (entries ?? []).forEach((entry, index) => {
    const separator = entry.indexOf('=');
    const key = separator < 0 ? entry : entry.slice(0, separator);
    if (separator < 0 || !ENV_NAME.test(key)) {
      throw new Error(`${field}[${index}] must be KEY=value with KEY a valid variable name (got key "${key.slice(0, 40)}")`);
    }
    env[key] = entry.slice(separator + 1);
  });
  return env;
}
