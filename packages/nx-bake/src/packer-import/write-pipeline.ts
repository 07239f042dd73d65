import { stringify } from 'yaml';
import type { MappedVarFile } from './map/variables';

/** The pipeline file: the schema line editors use, where it came from, then the document. */
export function pipelineYaml(document: Record<string, unknown>, schemaPath: string, templates: string[]): string {
  const header = [
    `# yaml-language-server: $schema=${schemaPath}`,
    '#',
    `# Imported from Packer by \`nx g nx-bake:from-packer\` (${templates.join(', ')}); the import's report says`,
    '# what was mapped, approximated and dropped. Each template is a stage; its files are in the stage folder.',
  ];
  return `${header.join('\n')}\n${stringify(document, { lineWidth: 0 })}`;
}

export function varFileYaml(file: MappedVarFile, from: string): string {
  return `# Values from ${from}, without its secrets (see the import's report). Bake with --varFile=<this file>.\n${stringify(file.values, { lineWidth: 0 })}`;
}
