import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from './atomic-write';

/** A small YAML document the team commits (channels, revocations): read whole, written whole and atomically. */
export function readYamlFile<T>(path: string, empty: T): T {
  if (!existsSync(path)) return empty;
  const data = parse(readFileSync(path, 'utf8')) as T | null;
  return data ?? empty;
}

export function writeYamlFile(path: string, header: string, data: unknown): void {
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  writeFileAtomic(path, `${comment}\n${stringify(data, { lineWidth: 0 })}`);
}
