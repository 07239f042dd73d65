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
        inline:
          - echo "baked by nx-bake at {{ isotime('2006-01-02T15:04:05Z07:00') }}" > /etc/nx-bake-release
`;
}
