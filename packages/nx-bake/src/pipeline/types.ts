/** The pipeline language, as the loader hands it to the rest of the plugin (after schema validation). */

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export type VariableType = 'string' | 'number' | 'boolean' | 'list' | 'map';

export interface VariableDefinition {
  type?: VariableType;
  default?: unknown;
  description?: string;
  /** Always true for a variable read from Vault (the loader sets it). */
  sensitive?: boolean;
  /** Read from a Vault KV secret at bake time when no other source sets the variable. */
  vault?: VaultVariableSource;
}

/** A variable's `vault:`: `key` of the KV secret `path` in `mount` (KV `version` 1 or 2, detected when absent). */
export interface VaultVariableSource {
  path: string;
  key: string;
  /** Default `secret`, the KV v2 mount of a Vault dev server. */
  mount?: string;
  version?: 1 | 2;
}

/** A named builder configuration: `type` picks the builder, the rest is that builder's own config. */
export interface BuilderConfig {
  type: string;
  [field: string]: unknown;
}

export type ProvisionerConfig = ShellProvisionerConfig | FileProvisionerConfig | AnsibleProvisionerConfig;

interface ProvisionerCommon {
  /** Restrict the provisioner to some of the stage's builders (Packer's `only`/`except`). */
  only?: string[];
  except?: string[];
  pause_before?: string;
  max_retries?: number;
  timeout?: string;
}

export interface ShellProvisionerConfig extends ProvisionerCommon {
  type: 'shell';
  inline?: string[];
  script?: string;
  scripts?: string[];
  environment_vars?: string[];
  /** Rendered at run time with `path` (the uploaded script) and `vars` (the env assignments). */
  execute_command?: string;
  expect_disconnect?: boolean;
  inline_shebang?: string;
  remote_folder?: string;
}

export interface FileProvisionerConfig extends ProvisionerCommon {
  type: 'file';
  source?: string;
  sources?: string[];
  content?: string;
  destination: string;
  direction?: 'upload' | 'download';
}

export interface AnsibleProvisionerConfig extends ProvisionerCommon {
  type: 'ansible';
  playbook: string;
  /** Nunjucks-rendered into an extra-vars file passed to ansible-playbook. */
  vars?: Record<string, unknown>;
  vars_template?: string;
  extra_arguments?: string[];
  ansible_env_vars?: string[];
  groups?: string[];
  galaxy_file?: string;
  user?: string;
  /** Run with Mitogen's strategy when it is installed (default); `false` runs plain Ansible. */
  mitogen?: boolean;
}

export interface ExternalBase {
  kind: 'image';
  /** One image for every builder, or one per builder name. */
  image: string | Record<string, string>;
}

export interface StageBase {
  kind: 'stage';
  /** Pipeline name; the stage's own pipeline when omitted in YAML. */
  pipeline: string;
  stage: string;
}

export type BaseReference = ExternalBase | StageBase;

/** A stage's use of a named builder, with per-stage overrides merged over the named config. */
export interface StageBuilder {
  name: string;
  config: BuilderConfig;
}

export interface RetentionPolicy {
  count?: number;
  days?: number;
}

export interface Stage {
  name: string;
  description?: string;
  from: BaseReference;
  /** Every builder the stage can be baked with: its own `builders`, else all of the pipeline's. */
  builders: StageBuilder[];
  /** The builders a bake uses without `--only`: the stage's own `builders`, else `default_builders`. */
  defaultBuilders: string[];
  provisioners: ProvisionerConfig[];
  /** Nx projects whose build output this stage bakes in. */
  bakes: string[];
  /** Extra input files (globs relative to the pipeline file's folder). */
  inputs: string[];
  tags: Record<string, string>;
  /** What `gc` keeps of the stage's artifacts; no policy, no deletions. */
  retain?: RetentionPolicy;
  /** Folder of the stage (relative to the workspace root): its Nx project root. */
  root: string;
}

export interface Pipeline {
  name: string;
  description?: string;
  /** Pipeline file, relative to the workspace root. */
  file: string;
  /** Folder of the pipeline file, relative to the workspace root. */
  dir: string;
  variables: Record<string, VariableDefinition>;
  builders: Record<string, BuilderConfig>;
  /** Builders of the stages that name none: `default_builders`, else every builder. */
  defaultBuilders?: string[];
  stages: Stage[];
  /** Environment variable names the pipeline may read through `env`. */
  env: string[];
}
