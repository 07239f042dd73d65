import { join } from 'node:path';
import { dedent, removeTemplateFolders, templateFolder } from '../../../test/support/hcl-template';
import type { PackerTemplate, TemplateBlock } from '../template';
import { readHclTemplate } from './read-template';

afterAll(removeTemplateFolders);

/** The fields of a block as `name: value`, without positions. */
const values = (block: TemplateBlock): Record<string, unknown> => Object.fromEntries(Object.entries(block.fields).map(([name, field]) => [name, field.value]));

// From Packer's Docker tutorial, with the parts the reader must translate added.
const DOCKER_TEMPLATE = dedent(`
  packer {
    required_plugins {
      docker = {
        version = ">= 1.0.8"
        source  = "github.com/hashicorp/docker"
      }
    }
  }

  variable "image" {
    type        = string
    default     = "ubuntu:jammy"
    description = "The base image"
  }

  variable "tags" {
    type    = list(string)
    default = ["latest", "1.0"]
  }

  variable "registry_password" {
    type      = string
    sensitive = true
    default   = env("REGISTRY_PASSWORD")
  }

  variable "labels" {
    type = map(string)
  }

  locals {
    stamp = formatdate("YYYY-MM-DD-hhmm", timestamp())
    name  = "app-\${local.stamp}"
  }

  source "docker" "ubuntu" {
    image   = var.image
    commit  = true
    changes = ["ENV NAME \${local.name}", "EXPOSE 8080"]
  }

  build {
    name    = "learn-packer"
    sources = ["source.docker.ubuntu"]

    provisioner "shell" {
      environment_vars = ["FOO=hello world"]
      inline = [
        "echo Adding file to Docker Container",
        "echo \\"FOO is $FOO\\" > example.txt",
      ]
    }

    provisioner "file" {
      source      = "\${path.root}/files/app.conf"
      destination = "/etc/app.conf"
    }

    provisioner "ansible" {
      playbook_file   = "./playbook.yml"
      extra_arguments = ["--extra-vars", "greeting={{ hello }}"]
      only            = ["source.docker.ubuntu"]
    }

    post-processors {
      post-processor "docker-tag" {
        repository = "myrepo/app"
        tags       = var.tags
      }
      post-processor "docker-push" {}
    }

    post-processor "manifest" {
      output     = "manifest-\${source.name}.json"
      strip_path = true
    }
  }
`);

describe('readHclTemplate: a docker template', () => {
  let template: PackerTemplate;
  let file: string;
  beforeAll(async () => {
    file = join(templateFolder({ 'docker.pkr.hcl': DOCKER_TEMPLATE }), 'docker.pkr.hcl');
    template = await readHclTemplate(file);
  });

  it('is hcl2, from the file given', () => {
    expect(template).toMatchObject({ file, syntax: 'hcl2', env: ['REGISTRY_PASSWORD'] });
  });

  it('reads the variables with their types, defaults and positions', () => {
    expect(template.variables).toEqual([
      { name: 'image', type: 'string', default: 'ubuntu:jammy', description: 'The base image', required: false, sensitive: false, at: { file, line: 10, col: 1 } },
      { name: 'tags', type: 'list', default: ['latest', '1.0'], required: false, sensitive: false, at: { file, line: 16, col: 1 } },
      { name: 'registry_password', type: 'string', default: '{{ env("REGISTRY_PASSWORD") }}', required: false, sensitive: true, at: { file, line: 21, col: 1 } },
      { name: 'labels', type: 'map', required: true, sensitive: false, at: { file, line: 27, col: 1 } },
    ]);
  });

  it('reads the source as a builder named <type>.<name>, locals inlined', () => {
    expect(template.builders).toEqual([
      {
        type: 'docker',
        name: 'docker.ubuntu',
        fields: {
          image: { value: '{{ var.image }}', at: { file, line: 37, col: 3 } },
          commit: { value: true, at: { file, line: 38, col: 3 } },
          changes: { value: ['ENV NAME app-{{ isotime("2006-01-02-1504") }}', 'EXPOSE 8080'], at: { file, line: 39, col: 3 } },
        },
        at: { file, line: 36, col: 1 },
      },
    ]);
  });

  it('reads the build: its sources without `source.`, its provisioners in order', () => {
    const [build] = template.builds;
    expect(build).toMatchObject({ name: 'learn-packer', sources: ['docker.ubuntu'], at: { file, line: 42, col: 1 } });
    expect(build.provisioners.map((p) => [p.type, p.at.line])).toEqual([
      ['shell', 46],
      ['file', 54],
      ['ansible', 59],
    ]);
    expect(values(build.provisioners[0])).toEqual({ environment_vars: ['FOO=hello world'], inline: ['echo Adding file to Docker Container', 'echo "FOO is $FOO" > example.txt'] });
    expect(values(build.provisioners[1])).toEqual({ source: '{{ template_dir }}/files/app.conf', destination: '/etc/app.conf' });
    // Jinja for Ansible reaches it as written; `only` names the source as the model does.
    expect(values(build.provisioners[2])).toEqual({ playbook_file: './playbook.yml', extra_arguments: ['--extra-vars', '{% raw %}greeting={{ hello }}{% endraw %}'], only: ['docker.ubuntu'] });
    expect(build.provisioners[2].fields.only.at).toEqual({ file, line: 62, col: 5 });
  });

  it('reads a post-processors block as one chain and a lone post-processor as a chain of its own', () => {
    const chains = template.builds[0].postProcessors;
    expect(chains.map((chain) => chain.map((pp) => [pp.type, pp.at.line]))).toEqual([
      [
        ['docker-tag', 66],
        ['docker-push', 70],
      ],
      [['manifest', 73]],
    ]);
    expect(values(chains[0][0])).toEqual({ repository: 'myrepo/app', tags: '{{ var.tags }}' });
    expect(values(chains[0][1])).toEqual({});
    expect(values(chains[1][0])).toEqual({ output: 'manifest-ubuntu.json', strip_path: true });
  });

  it('notes only what it changed: source.name as a literal', () => {
    expect(template.notes).toEqual([{ at: { file, line: 74, col: 30 }, kind: 'approximated', message: 'source.name became the literal "ubuntu"' }]);
  });
});

// From Packer's AWS tutorial and the amazon-ebs docs.
const AMAZON_TEMPLATE = dedent(`
  variable "region" {
    type    = string
    default = "us-west-2"
  }

  locals { timestamp = regex_replace(timestamp(), "[- TZ:]", "") }

  data "amazon-ami" "ubuntu" {
    filters = { name = "ubuntu/*" }
    owners  = ["099720109477"]
  }

  source "amazon-ebs" "ubuntu" {
    ami_name      = "learn-packer-linux-aws-\${local.timestamp}"
    instance_type = "t2.micro"
    region        = var.region
    source_ami_filter {
      filters = {
        name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
        root-device-type    = "ebs"
        virtualization-type = "hvm"
      }
      most_recent = true
      owners      = ["099720109477"]
    }
    launch_block_device_mappings {
      device_name           = "/dev/sda1"
      volume_size           = 40
      volume_type           = "gp3"
      delete_on_termination = true
    }
    tag {
      key   = "Name"
      value = "packer"
    }
    tag {
      key   = "Built"
      value = "\${build.name}"
    }
    ssh_username = "ubuntu"
  }

  build {
    name = "learn-packer"
    source "source.amazon-ebs.ubuntu" {
      name     = "nomad"
      ami_name = "nomad-\${local.timestamp}"
    }
    source "amazon-ebs.ubuntu" {}
    provisioner "shell" {
      inline = ["echo \${build.ID}"]
    }
    hcp_packer_registry {
      bucket_name = "learn"
    }
  }
`);

describe('readHclTemplate: an amazon-ebs template', () => {
  let template: PackerTemplate;
  let file: string;
  beforeAll(async () => {
    file = join(templateFolder({ 'aws.pkr.hcl': AMAZON_TEMPLATE }), 'aws.pkr.hcl');
    template = await readHclTemplate(file);
  });

  it('reads nested blocks as fields: once an object, several times (or a mapping list) a list', () => {
    const [ubuntu] = template.builders;
    expect(ubuntu.name).toBe('amazon-ebs.ubuntu');
    expect(values(ubuntu)).toEqual({
      ami_name: 'learn-packer-linux-aws-{{ isotime() | replace(r/[- TZ:]/g, "") }}',
      instance_type: 't2.micro',
      region: '{{ var.region }}',
      ssh_username: 'ubuntu',
      source_ami_filter: {
        filters: { name: 'ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*', 'root-device-type': 'ebs', 'virtualization-type': 'hvm' },
        most_recent: true,
        owners: ['099720109477'],
      },
      launch_block_device_mappings: [{ device_name: '/dev/sda1', volume_size: 40, volume_type: 'gp3', delete_on_termination: true }],
      tag: [
        { key: 'Name', value: 'packer' },
        { key: 'Built', value: '{{ stage.name }}' },
      ],
    });
    expect(ubuntu.fields.source_ami_filter.at).toEqual({ file, line: 17, col: 3 });
    expect(ubuntu.fields.tag.at).toEqual({ file, line: 32, col: 3 });
  });

  it('makes a build-level source with a name a builder of its own, the other fields merged', () => {
    expect(template.builders.map((builder) => builder.name)).toEqual(['amazon-ebs.ubuntu', 'amazon-ebs.nomad']);
    const nomad = template.builders[1];
    expect(nomad).toMatchObject({ type: 'amazon-ebs', at: { file, line: 45, col: 3 } });
    expect(values(nomad)).toMatchObject({ ami_name: 'nomad-{{ isotime() | replace(r/[- TZ:]/g, "") }}', instance_type: 't2.micro' });
    expect(nomad.fields.ami_name.at).toEqual({ file, line: 47, col: 5 });
    expect(template.builds[0].sources).toEqual(['amazon-ebs.nomad', 'amazon-ebs.ubuntu']);
  });

  it('notes the data source, build.ID, build.name, the regular expression and the registry block where written, in file order', () => {
    expect(template.notes.map((n) => [n.kind, n.at.line, n.at.col])).toEqual([
      ['approximated', 6, 22],
      ['dropped', 8, 1],
      ['approximated', 38, 16],
      ['dropped', 51, 23],
      ['dropped', 53, 3],
    ]);
    expect(template.notes[1].message).toBe('the data source amazon-ami.ubuntu is not imported (only as the source_ami of an amazon-ebs source): references to it became the empty string');
    expect(template.notes[3].message).toBe('build.ID (known to packer while it builds) has no counterpart in a pipeline: it became the empty string');
    expect(template.notes[4].message).toBe('the hcp_packer_registry block of a build has no counterpart in a pipeline');
    expect(values(template.builds[0].provisioners[0])).toEqual({ inline: ['echo '] });
  });
});

describe('readHclTemplate: a folder', () => {
  it('reads every .pkr.hcl file in name order, locals across files, and of the var files only *.auto.pkrvars.hcl, as defaults', async () => {
    const dir = templateFolder({
      'variables.pkr.hcl': 'variable "image" {\n  default = "alpine"\n}\nlocals {\n  tag = "v-${var.image}"\n}\n',
      'build.pkr.hcl': 'build {\n  sources = ["source.docker.a"]\n  provisioner "shell" {\n    inline = ["echo ${local.tag}"]\n  }\n}\n',
      'sources.pkr.hcl': 'source "docker" "a" {\n  image = var.image\n  missing = local.nope\n}\n',
      'prod.pkrvars.hcl': 'image = "debian-prod"\n',
      'x.auto.pkrvars.hcl': 'image = "debian-auto"\n',
      'notes.txt': 'not hcl {',
    });
    const template = await readHclTemplate(dir);
    expect(template.file).toBe(join(dir, 'build.pkr.hcl'));
    expect(template.variables.map((v) => [v.name, v.at.file])).toEqual([['image', join(dir, 'variables.pkr.hcl')]]);
    expect(template.builders[0].at).toEqual({ file: join(dir, 'sources.pkr.hcl'), line: 1, col: 1 });
    expect(template.builds[0].provisioners[0].fields.inline).toEqual({ value: ['echo v-{{ var.image }}'], at: { file: join(dir, 'build.pkr.hcl'), line: 4, col: 5 } });
    expect(template.variables[0]).toMatchObject({ default: 'debian-auto', required: false });
    expect(template.notes).toEqual([
      { at: { file: join(dir, 'x.auto.pkrvars.hcl'), line: 1, col: 1 }, kind: 'approximated', message: "image in x.auto.pkrvars.hcl (which packer loads from the folder) became the variable's default" },
      { at: { file: join(dir, 'sources.pkr.hcl'), line: 3, col: 13 }, kind: 'dropped', message: 'local.nope is not defined: it became the empty string' },
    ]);
  });

  it('makes a required variable optional when an auto var file sets it, and notes a value no variable declares', async () => {
    const dir = templateFolder({
      'vars.pkr.hcl': 'variable "image" {\n  type = string\n}\n',
      'a.auto.pkrvars.hcl': 'image = "debian:bookworm"\nstray = 1\n',
    });
    const template = await readHclTemplate(dir);
    expect(template.variables).toMatchObject([{ name: 'image', default: 'debian:bookworm', required: false }]);
    expect(template.notes.map((n) => [n.kind, n.at.line, n.message])).toContainEqual(['dropped', 2, 'a.auto.pkrvars.hcl sets stray, which no variable block declares']);
  });

  it('refuses a folder without templates', async () => {
    const dir = templateFolder({ 'a.pkrvars.hcl': 'x = 1\n' });
    await expect(readHclTemplate(dir)).rejects.toThrow(`${dir}: no .pkr.hcl files in this folder`);
  });
});

describe('readHclTemplate: syntax errors', () => {
  it('lists file:line:col of every error in every file', async () => {
    const dir = templateFolder({
      'a.pkr.hcl': 'source "docker" "a" {\n  image = "x"\n  commit = \n}\n',
      'b.pkr.hcl': 'variable "v" {\n  default = [1, 2\n}\n\nbuild {\n  name = "ok"\n',
      'c.pkr.hcl': 'variable "fine" {}\n',
    });
    const error = await readHclTemplate(dir).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[ab]\\.pkr\\.hcl:\\d+:\\d+: syntax error`));
    expect(lines.some((line) => line.startsWith(join(dir, 'a.pkr.hcl')))).toBe(true);
    expect(lines.some((line) => line.startsWith(join(dir, 'b.pkr.hcl')))).toBe(true);
  });

  it('names the position of a missing brace', async () => {
    const file = join(templateFolder({ 't.pkr.hcl': 'source "docker" "a" {\n  image = "x"\n' }), 't.pkr.hcl');
    await expect(readHclTemplate(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: syntax error`));
  });
});

describe('readHclTemplate: an amazon-ami data source', () => {
  it("becomes the source_ami_filter of a source whose source_ami is its id, its region and other fields noted", async () => {
    const dir = templateFolder({
      't.pkr.hcl': dedent(`
        data "amazon-ami" "debian" {
          filters     = { name = "debian-12-amd64-*" }
          most_recent = true
          owners      = ["136693071363"]
          region      = "us-east-1"
          assume_role { role_arn = "arn:aws:iam::1:role/x" }
        }
        source "amazon-ebs" "a" {
          region     = "eu-west-1"
          source_ami = data.amazon-ami.debian.id
        }
        build {
          sources = ["source.amazon-ebs.a"]
          provisioner "shell" {
            inline = ["echo \${data.amazon-ami.debian.name}"]
          }
        }
      `),
    });
    const template = await readHclTemplate(join(dir, 't.pkr.hcl'));
    expect(values(template.builders[0])).toEqual({
      region: 'eu-west-1',
      source_ami_filter: { filters: { name: 'debian-12-amd64-*' }, most_recent: true, owners: ['136693071363'] },
    });
    expect(template.builders[0].fields.source_ami_filter.at).toMatchObject({ line: 10, col: 3 });
    expect(template.notes.map((n) => [n.kind, n.at.line, n.message])).toEqual([
      ['approximated', 5, 'region of data source amazon-ami.debian: the filter runs in the region of the builder that uses it'],
      ['dropped', 6, 'assume_role of data source amazon-ami.debian has no counterpart in source_ami_filter'],
      ['approximated', 10, "source_ami = data.amazon-ami.debian.id: the data source's filters, owners, most_recent became source_ami_filter, looked up when the build starts"],
      ['dropped', 15, 'data.amazon-ami.debian.name (known to packer once it has read the data source) has no counterpart in a pipeline: it became the empty string'],
    ]);
  });
});

describe("readHclTemplate: a shell provisioner's execute_command", () => {
  it('has Packer’s {{ .Path }} and {{ .Vars }} as the pipeline’s path and vars; other fields and other text keep their braces', async () => {
    const dir = templateFolder({
      't.pkr.hcl': dedent(`
        source "docker" "a" {
          image = "debian"
        }
        build {
          sources = ["source.docker.a"]
          provisioner "shell" {
            execute_command = "chmod +x {{ .Path }}; sudo env {{ .Vars }} {{.Path}} {{ .Other }} \${var.flag}"
            inline          = ["echo '{{ .Path }}'"]
          }
        }
      `),
    });
    const template = await readHclTemplate(join(dir, 't.pkr.hcl'));
    expect(values(template.builds[0].provisioners[0])).toEqual({
      execute_command: 'chmod +x {{ path }}; sudo env {{ vars }} {{ path }}{% raw %} {{ .Other }} {% endraw %}{{ var.flag }}',
      inline: ["{% raw %}echo '{{ .Path }}'{% endraw %}"],
    });
  });
});

describe('readHclTemplate: source.name in a build of several sources', () => {
  it("is each build's builder, builder.name and builder.type, without a note", async () => {
    const dir = templateFolder({
      't.pkr.hcl': dedent(`
        source "docker" "bookworm" {
          image = "debian:bookworm"
        }
        source "docker" "jammy" {
          image = "ubuntu:22.04"
        }
        build {
          sources = ["source.docker.bookworm", "source.docker.jammy"]
          provisioner "shell" {
            inline = ["echo \${source.name} \${source.type} > /etc/source"]
          }
        }
      `),
    });
    const template = await readHclTemplate(join(dir, 't.pkr.hcl'));
    expect(values(template.builds[0].provisioners[0])).toEqual({ inline: ['echo {{ builder.name }} {{ builder.type }} > /etc/source'] });
    expect(template.notes).toEqual([]);
  });
});
