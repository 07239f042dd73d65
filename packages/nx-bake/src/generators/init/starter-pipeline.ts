/** The pipeline `nx g nx-bake:init` writes: one stage, one builder, everything a user edits first in view. */
export function starterPipeline(name: string, baseImage: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
name: ${name}

variables:
  base_image:
    type: string
    default: ${baseImage}
    description: External image the first stage starts from

builders:
  local:
    type: docker
    network: host
    repository: ${name}
    tag: "{{ stage.name }}"

stages:
  - name: base
    from:
      image: "{{ var.base_image }}"
    provisioners:
      - type: shell
        script: base/setup.sh
        environment_vars:
          - "BUILT_AT={{ isotime('2006-01-02T15:04:05Z07:00') }}"
`;
}

/** The first stage's script: each stage keeps its files in a folder of its own, its Nx project. */
export const STARTER_SCRIPT = `#!/bin/sh
# Runs inside the build instance of the base stage.
set -eu
echo "baked by nx-bake at $BUILT_AT" > /etc/nx-bake-release
`;
