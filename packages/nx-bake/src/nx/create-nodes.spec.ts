import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';

/**
 * The whole graph the plugin infers for the example pipeline, pinned: projects, targets, options, inputs,
 * outputs and dependsOn. A change to any of them shows here first, as a reviewable snapshot diff.
 */
describe('createNodesV2 on the example pipeline', () => {
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'nx-bake-nodes-'));
  const repoRoot = resolve(__dirname, '../../../..');
  // Nx keeps the plugin's result cache under its workspace data folder: a private one, not the repo's.
  process.env.NX_WORKSPACE_DATA_DIRECTORY = join(workspaceRoot, '.nx', 'workspace-data');

  beforeAll(() => {
    cpSync(join(repoRoot, 'pipelines/images'), join(workspaceRoot, 'pipelines/images'), { recursive: true });
    mkdirSync(process.env.NX_WORKSPACE_DATA_DIRECTORY!, { recursive: true });
    writeFileSync(join(workspaceRoot, 'nx.json'), '{}\n');
  });

  afterAll(() => {
    rmSync(workspaceRoot, { recursive: true, force: true });
    delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
  });

  const infer = async (file: string, options = {}): Promise<CreateNodesResult> => {
    // Loaded after the data folder is set: Nx reads it once, when its module loads.
    const { createNodesV2 } = require('./create-nodes') as typeof import('./create-nodes');
    const context = { workspaceRoot, nxJsonConfiguration: {} } as CreateNodesContextV2;
    const results = await createNodesV2[1]([file], options, context);
    expect(results.map(([source]) => source)).toEqual([file]);
    return results[0][1];
  };

  it('infers the pipeline project and one project per stage', async () => {
    expect(await infer('pipelines/images/pipeline.yaml')).toMatchInlineSnapshot(`
{
  "projects": {
    "pipelines/images": {
      "metadata": {
        "nxBake": {
          "pipeline": "images",
          "pipelineFile": "pipelines/images/pipeline.yaml",
          "stages": [
            "images-os-base",
            "images-app-base",
            "images-app",
          ],
        },
      },
      "name": "images",
      "projectType": "application",
      "root": "pipelines/images",
      "tags": [
        "nx-bake:pipeline",
      ],
      "targets": {
        "bake": {
          "dependsOn": [
            {
              "params": "forward",
              "projects": [
                "images-os-base",
                "images-app-base",
                "images-app",
              ],
              "target": "bake",
            },
          ],
          "executor": "nx:noop",
          "metadata": {
            "description": "Bake every stage of the images pipeline, in order",
          },
        },
        "channels": {
          "cache": false,
          "executor": "nx-bake:channels",
          "metadata": {
            "description": "Show each channel and whether it is out of date or revoked",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
        "gc": {
          "cache": false,
          "executor": "nx-bake:gc",
          "metadata": {
            "description": "List the images beyond each stage's retain policy (--apply deletes them); --leaked sweeps what killed bakes left",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
        "plan": {
          "cache": false,
          "dependsOn": [
            {
              "projects": [
                "site",
              ],
              "target": "build",
            },
          ],
          "executor": "nx-bake:plan",
          "metadata": {
            "description": "Show what a bake would do with each stage (cached, adopted or built, and why), without building",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
        "promote": {
          "cache": false,
          "executor": "nx-bake:promote",
          "metadata": {
            "description": "Point a release channel at a stage build: --stage <stage> --channel <name> [--to previous]",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
        "revoke": {
          "cache": false,
          "executor": "nx-bake:revoke",
          "metadata": {
            "description": "Revoke an artifact: --artifact <id> [--descendants] [--reason <text>]",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
        "validate": {
          "cache": false,
          "executor": "nx-bake:validate",
          "metadata": {
            "description": "Check the pipeline: syntax, schema, references, cycles, files and templates",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
          },
        },
      },
    },
    "pipelines/images/app": {
      "metadata": {
        "nxBake": {
          "bakes": [
            "site",
          ],
          "baseProject": "images-app-base",
          "pipeline": "images",
          "pipelineFile": "pipelines/images/pipeline.yaml",
          "stage": "app",
        },
      },
      "name": "images-app",
      "projectType": "application",
      "root": "pipelines/images/app",
      "tags": [
        "nx-bake:stage",
        "nx-bake:pipeline:images",
      ],
      "targets": {
        "bake": {
          "cache": true,
          "dependsOn": [
            {
              "params": "forward",
              "projects": [
                "images-app-base",
              ],
              "target": "bake",
            },
            {
              "projects": [
                "site",
              ],
              "target": "build",
            },
          ],
          "executor": "nx-bake:bake",
          "inputs": [
            "{projectRoot}/**/*",
            "{workspaceRoot}/pipelines/images/revocations.yaml",
            {
              "env": "BAKE_VAR_aws_instance_type",
            },
            {
              "env": "BAKE_VAR_aws_region",
            },
            {
              "env": "BAKE_VAR_do_region",
            },
            {
              "env": "BAKE_VAR_do_size",
            },
            {
              "env": "BAKE_VAR_repository",
            },
            {
              "env": "BAKE_VAR_web_root",
            },
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": false,
            },
          ],
          "metadata": {
            "description": "The site's build output and its boot script",
            "technologies": [
              "nx-bake",
            ],
          },
          "options": {
            "definition": {
              "bakes": [
                "site",
              ],
              "builders": [
                {
                  "config": {
                    "changes": [
                      "CMD ["/usr/local/bin/boot.sh"]",
                      "EXPOSE 8080",
                      "ENV WEB_ROOT={{ var.web_root }}",
                    ],
                    "network": "host",
                    "repository": "{{ var.repository }}",
                    "tag": "{{ stage.name }}",
                    "type": "docker",
                  },
                  "name": "local",
                },
                {
                  "config": {
                    "api_token": "{{ var.do_token }}",
                    "region": "{{ var.do_region }}",
                    "size": "{{ var.do_size }}",
                    "snapshot_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "type": "digitalocean",
                  },
                  "name": "cloud",
                },
                {
                  "config": {
                    "ami_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "instance_type": "{{ var.aws_instance_type }}",
                    "region": "{{ var.aws_region }}",
                    "source_ami_filter": {
                      "filters": {
                        "name": "debian-12-amd64-*",
                        "virtualization-type": "hvm",
                      },
                      "most_recent": true,
                      "owners": [
                        "136693071363",
                      ],
                    },
                    "ssh_username": "root",
                    "type": "amazon-ebs",
                    "user_data": "#cloud-config
disable_root: false
",
                  },
                  "name": "aws",
                },
              ],
              "defaultBuilders": [
                "local",
              ],
              "description": "The site's build output and its boot script",
              "from": {
                "kind": "stage",
                "pipeline": "images",
                "stage": "app-base",
              },
              "inputs": [],
              "name": "app",
              "provisioners": [
                {
                  "destination": "{{ var.web_root }}",
                  "source": "../../dist/apps/site/",
                  "type": "file",
                },
                {
                  "destination": "/usr/local/bin/boot.sh",
                  "source": "app/boot.sh",
                  "type": "file",
                },
                {
                  "environment_vars": [
                    "WEB_ROOT={{ var.web_root }}",
                    "DEPLOY_TOKEN={{ var.deploy_token }}",
                  ],
                  "inline": [
                    "chmod 0755 /usr/local/bin/boot.sh",
                    "chown -R site:site "$WEB_ROOT"",
                    "test -n "$DEPLOY_TOKEN" && echo "deploy token received"",
                    "echo "{{ pipeline.name }}/{{ stage.name }} built from {{ base.artifact_id }}" > /etc/nx-bake-release",
                  ],
                  "type": "shell",
                },
              ],
              "tags": {
                "layer": "app",
              },
              "variables": {
                "aws_instance_type": "t3.micro",
                "aws_region": "eu-west-1",
                "do_region": "nyc3",
                "do_size": "s-1vcpu-1gb",
                "repository": "nx-bake/example",
                "web_root": "/srv/www/site",
              },
            },
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "app",
          },
          "outputs": [
            "{workspaceRoot}/dist/images/images/app",
          ],
        },
        "plan": {
          "cache": false,
          "dependsOn": [
            {
              "projects": [
                "site",
              ],
              "target": "build",
            },
          ],
          "executor": "nx-bake:plan",
          "metadata": {
            "description": "Show what a bake would do with each stage (cached, adopted or built, and why), without building",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "app",
          },
        },
      },
    },
    "pipelines/images/app-base": {
      "metadata": {
        "nxBake": {
          "bakes": [],
          "baseProject": "images-os-base",
          "pipeline": "images",
          "pipelineFile": "pipelines/images/pipeline.yaml",
          "stage": "app-base",
        },
      },
      "name": "images-app-base",
      "projectType": "application",
      "root": "pipelines/images/app-base",
      "tags": [
        "nx-bake:stage",
        "nx-bake:pipeline:images",
      ],
      "targets": {
        "bake": {
          "cache": true,
          "dependsOn": [
            {
              "params": "forward",
              "projects": [
                "images-os-base",
              ],
              "target": "bake",
            },
          ],
          "executor": "nx-bake:bake",
          "inputs": [
            "{projectRoot}/**/*",
            "{workspaceRoot}/pipelines/images/revocations.yaml",
            {
              "env": "BAKE_VAR_aws_instance_type",
            },
            {
              "env": "BAKE_VAR_aws_region",
            },
            {
              "env": "BAKE_VAR_do_region",
            },
            {
              "env": "BAKE_VAR_do_size",
            },
            {
              "env": "BAKE_VAR_repository",
            },
            {
              "env": "BAKE_VAR_web_root",
            },
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": false,
            },
          ],
          "metadata": {
            "description": "Web server, runtime, users and folders",
            "technologies": [
              "nx-bake",
            ],
          },
          "options": {
            "definition": {
              "bakes": [],
              "builders": [
                {
                  "config": {
                    "network": "host",
                    "repository": "{{ var.repository }}",
                    "tag": "{{ stage.name }}",
                    "type": "docker",
                  },
                  "name": "local",
                },
                {
                  "config": {
                    "api_token": "{{ var.do_token }}",
                    "region": "{{ var.do_region }}",
                    "size": "{{ var.do_size }}",
                    "snapshot_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "type": "digitalocean",
                  },
                  "name": "cloud",
                },
                {
                  "config": {
                    "ami_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "instance_type": "{{ var.aws_instance_type }}",
                    "region": "{{ var.aws_region }}",
                    "source_ami_filter": {
                      "filters": {
                        "name": "debian-12-amd64-*",
                        "virtualization-type": "hvm",
                      },
                      "most_recent": true,
                      "owners": [
                        "136693071363",
                      ],
                    },
                    "ssh_username": "root",
                    "type": "amazon-ebs",
                    "user_data": "#cloud-config
disable_root: false
",
                  },
                  "name": "aws",
                },
              ],
              "defaultBuilders": [
                "local",
              ],
              "description": "Web server, runtime, users and folders",
              "from": {
                "kind": "stage",
                "pipeline": "images",
                "stage": "os-base",
              },
              "inputs": [],
              "name": "app-base",
              "provisioners": [
                {
                  "playbook": "app-base/playbook.yml",
                  "type": "ansible",
                  "vars": {
                    "app_user": "site",
                    "motd": "{% raw %}Welcome to {{ ansible_hostname }}{% endraw %}",
                    "web_root": "{{ var.web_root }}",
                  },
                },
              ],
              "tags": {
                "layer": "app-base",
              },
              "variables": {
                "aws_instance_type": "t3.micro",
                "aws_region": "eu-west-1",
                "do_region": "nyc3",
                "do_size": "s-1vcpu-1gb",
                "repository": "nx-bake/example",
                "web_root": "/srv/www/site",
              },
            },
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "app-base",
          },
          "outputs": [
            "{workspaceRoot}/dist/images/images/app-base",
          ],
        },
        "plan": {
          "cache": false,
          "dependsOn": [
            {
              "projects": [
                "site",
              ],
              "target": "build",
            },
          ],
          "executor": "nx-bake:plan",
          "metadata": {
            "description": "Show what a bake would do with each stage (cached, adopted or built, and why), without building",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "app-base",
          },
        },
      },
    },
    "pipelines/images/os-base": {
      "metadata": {
        "nxBake": {
          "bakes": [],
          "baseProject": undefined,
          "pipeline": "images",
          "pipelineFile": "pipelines/images/pipeline.yaml",
          "stage": "os-base",
        },
      },
      "name": "images-os-base",
      "projectType": "application",
      "root": "pipelines/images/os-base",
      "tags": [
        "nx-bake:stage",
        "nx-bake:pipeline:images",
      ],
      "targets": {
        "bake": {
          "cache": true,
          "dependsOn": [],
          "executor": "nx-bake:bake",
          "inputs": [
            "{projectRoot}/**/*",
            "{workspaceRoot}/pipelines/images/revocations.yaml",
            {
              "env": "BAKE_VAR_aws_instance_type",
            },
            {
              "env": "BAKE_VAR_aws_region",
            },
            {
              "env": "BAKE_VAR_base_image",
            },
            {
              "env": "BAKE_VAR_do_region",
            },
            {
              "env": "BAKE_VAR_do_size",
            },
            {
              "env": "BAKE_VAR_repository",
            },
            {
              "dependentTasksOutputFiles": "**/*",
              "transitive": false,
            },
          ],
          "metadata": {
            "description": "OS hardening",
            "technologies": [
              "nx-bake",
            ],
          },
          "options": {
            "definition": {
              "bakes": [],
              "builders": [
                {
                  "config": {
                    "network": "host",
                    "repository": "{{ var.repository }}",
                    "tag": "{{ stage.name }}",
                    "type": "docker",
                  },
                  "name": "local",
                },
                {
                  "config": {
                    "api_token": "{{ var.do_token }}",
                    "region": "{{ var.do_region }}",
                    "size": "{{ var.do_size }}",
                    "snapshot_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "type": "digitalocean",
                  },
                  "name": "cloud",
                },
                {
                  "config": {
                    "ami_name": "{{ pipeline.name }}-{{ stage.name }}-{{ timestamp() }}",
                    "instance_type": "{{ var.aws_instance_type }}",
                    "region": "{{ var.aws_region }}",
                    "source_ami_filter": {
                      "filters": {
                        "name": "debian-12-amd64-*",
                        "virtualization-type": "hvm",
                      },
                      "most_recent": true,
                      "owners": [
                        "136693071363",
                      ],
                    },
                    "ssh_username": "root",
                    "type": "amazon-ebs",
                    "user_data": "#cloud-config
disable_root: false
",
                  },
                  "name": "aws",
                },
              ],
              "defaultBuilders": [
                "local",
              ],
              "description": "OS hardening",
              "from": {
                "image": {
                  "aws": "debian-12 (source_ami_filter)",
                  "cloud": "debian-12-x64",
                  "local": "{{ var.base_image }}",
                },
                "kind": "image",
              },
              "inputs": [],
              "name": "os-base",
              "provisioners": [
                {
                  "playbook": "os-base/playbook.yml",
                  "type": "ansible",
                  "vars": {
                    "admin_user": "ops",
                    "sysctl_settings": {
                      "kernel.kptr_restrict": 2,
                      "net.ipv4.tcp_syncookies": 1,
                    },
                  },
                },
              ],
              "tags": {
                "layer": "os",
              },
              "variables": {
                "aws_instance_type": "t3.micro",
                "aws_region": "eu-west-1",
                "base_image": "nx-bake/debian:bookworm",
                "do_region": "nyc3",
                "do_size": "s-1vcpu-1gb",
                "repository": "nx-bake/example",
              },
            },
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "os-base",
          },
          "outputs": [
            "{workspaceRoot}/dist/images/images/os-base",
          ],
        },
        "plan": {
          "cache": false,
          "dependsOn": [
            {
              "projects": [
                "site",
              ],
              "target": "build",
            },
          ],
          "executor": "nx-bake:plan",
          "metadata": {
            "description": "Show what a bake would do with each stage (cached, adopted or built, and why), without building",
          },
          "options": {
            "pipeline": "pipelines/images/pipeline.yaml",
            "stage": "os-base",
          },
        },
      },
    },
  },
}
`);
  });

  it('names the targets as the plugin options say', async () => {
    const result = await infer('pipelines/images/pipeline.yaml', { bakeTargetName: 'image', validateTargetName: 'check' });
    expect(Object.keys(result.projects!['pipelines/images'].targets!).sort()).toMatchInlineSnapshot(`
[
  "channels",
  "check",
  "gc",
  "image",
  "plan",
  "promote",
  "revoke",
]
`);
    expect(Object.keys(result.projects!['pipelines/images/app'].targets!).sort()).toMatchInlineSnapshot(`
[
  "image",
  "plan",
]
`);
  });

  it('still gives a broken pipeline its project, whose validate and bake report the problems', async () => {
    mkdirSync(join(workspaceRoot, 'pipelines/broken'), { recursive: true });
    writeFileSync(join(workspaceRoot, 'pipelines/broken/pipeline.yaml'), 'name: broken\nstages: [\n');
    expect(await infer('pipelines/broken/pipeline.yaml')).toMatchInlineSnapshot(`
{
  "projects": {
    "pipelines/broken": {
      "name": "broken",
      "root": "pipelines/broken",
      "tags": [
        "nx-bake:pipeline",
      ],
      "targets": {
        "bake": {
          "cache": false,
          "executor": "nx-bake:validate",
          "metadata": {
            "description": "Check the pipeline: syntax, schema, references, cycles, files and templates",
          },
          "options": {
            "pipeline": "pipelines/broken/pipeline.yaml",
          },
        },
        "validate": {
          "cache": false,
          "executor": "nx-bake:validate",
          "metadata": {
            "description": "Check the pipeline: syntax, schema, references, cycles, files and templates",
          },
          "options": {
            "pipeline": "pipelines/broken/pipeline.yaml",
          },
        },
      },
    },
  },
}
`);
  });
});
