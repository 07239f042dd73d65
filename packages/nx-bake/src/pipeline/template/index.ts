/**
 * Templates: every string of a pipeline's builder configs, provisioners, `from` image refs and tags is a
 * Nunjucks template, rendered at bake time (never at load time).
 *
 * - Strict: any name that is not in the context is an error (`undefined variable 'var.nope' in
 *   template`), reported at the position of the string in the pipeline file. So is reading it through
 *   `default(...)` or `is defined`; test for an optional key with `{% if "key" in var.some_map %}`.
 * - Context: `var`, `pipeline.name`, `stage.name`, `builder.name`/`builder.type`, `base.artifact_id`, `git.commit`,
 *   `build.timestamp` / `build.run_id`, `env` (only the names listed in the pipeline's `env:`),
 *   `template_dir` (absolute pipeline folder).
 * - Functions, usable as globals and as filters (as Packer users expect): `isotime(format?)` (Go
 *   reference layout, UTC, default RFC3339; as a filter `{{ "2006" | isotime }}` takes the piped value
 *   as the format, and `{{ some_time | isotime("2006") }}` formats that time), `timestamp()` (unix
 *   seconds of the build, one value per build), `uuid()`, `env("NAME")` (same allow-list as `env.NAME`;
 *   a listed but unset variable is the empty string, as in Packer), `clean_resource_name(s)`
 *   (lowercase, every character outside [a-z0-9-] replaced by `-`), `vault(path, key)` (Packer's: read through
 *   the context's resolver, see ../vault-reference.ts; placeholders in validate and plan). Packer's bare forms work too:
 *   `{{ timestamp }}`, `{{ isotime }}`, `{{ uuid }}`, `{{ isotime | clean_resource_name }}`.
 * - Literal braces, e.g. Ansible/Jinja expressions that Ansible must see as written: wrap them in
 *   Nunjucks' raw block, `{% raw %}{{ ansible_hostname }}{% endraw %}` renders `{{ ansible_hostname }}`.
 *
 * The sections live beside this file: context.ts, functions.ts (Packer's functions, one table),
 * strict.ts (strict lookups), compile.ts, render.ts (strings and values), render-stage.ts, render-file.ts.
 */
export { isTemplate, templateSyntaxError } from './compile';
export { templateContext, type TemplateContext, type TemplateContextOptions } from './context';
export { cleanResourceName } from './functions';
export { renderValue } from './render';
export { renderTemplateFile } from './render-file';
export { renderBuilderConfig, renderStage } from './render-stage';
