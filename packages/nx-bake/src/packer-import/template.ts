import type { SourcePosition, VariableType } from '../pipeline/types';

/**
 * A Packer template as the importer reads it, whatever its syntax (JSON or HCL2): the readers turn either
 * into this, with every string already in the pipeline's own template syntax (Nunjucks), so the mapping to
 * a pipeline is written once. Every part keeps where it was written, for the import report.
 */
export interface PackerTemplate {
  /** The template file (or the first .pkr.hcl file of a folder), as given. */
  file: string;
  syntax: 'json' | 'hcl2';
  description?: string;
  variables: TemplateVariable[];
  /** JSON `builders`; HCL2 `source` blocks (named `<type>.<name>` in HCL2, by `name` or type in JSON). */
  builders: TemplateBlock[];
  /** JSON: one build of every builder; HCL2: each `build` block. */
  builds: TemplateBuild[];
  /** Environment variables the template reads (`env` in JSON, `env()` in HCL2): the pipeline's `env:`. */
  env: string[];
  /** What the reader could not express or changed on the way (a function without a counterpart, ...). */
  notes: ImportNote[];
}

/** A value as written, already translated: strings are Nunjucks templates; lists and maps hold values. */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };

export interface TemplateField {
  value: TemplateValue;
  at: SourcePosition;
}

/** A builder (source), provisioner or post-processor: its Packer type and its fields. */
export interface TemplateBlock {
  /** Packer's plugin type: `docker`, `shell`, `manifest`, `docker-tag`. */
  type: string;
  /** A builder's name: JSON `name` (else its type); HCL2 `<type>.<name>` of its `source` block. */
  name?: string;
  fields: Record<string, TemplateField>;
  at: SourcePosition;
}

export interface TemplateVariable {
  name: string;
  /** Absent when the variable has no default (required, unless `required` is false). */
  default?: TemplateValue;
  /** No default: Packer refuses to build without a value (JSON `null` default, HCL2 no `default`). */
  required: boolean;
  sensitive: boolean;
  description?: string;
  type?: VariableType;
  at: SourcePosition;
}

export interface TemplateBuild {
  name?: string;
  /** Names of the builders it runs (`name` of `builders` entries). */
  sources: string[];
  provisioners: TemplateBlock[];
  /** Post-processor chains: each inner list runs in sequence on each artifact (JSON's nested arrays, HCL2's `post-processors`). */
  postProcessors: TemplateBlock[][];
  at: SourcePosition;
}

/** One line of the import report: something not mapped as written. */
export interface ImportNote {
  at: SourcePosition;
  kind: 'dropped' | 'approximated' | 'secret';
  message: string;
}

/** A `-var-file`: JSON (`{"name": value}`) or HCL2 (`name = value`), values as written. */
export interface PackerVarFile {
  file: string;
  values: Record<string, TemplateField>;
}

/** The dot of a shell provisioner's `execute_command` (`{{ .Vars }}`, `{{ .Path }}`) in the pipeline's names (shell.ts renders them). */
export const EXECUTE_COMMAND_FIELDS: Readonly<Record<string, string>> = { Vars: 'vars', Path: 'path' };
