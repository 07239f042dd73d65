import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { DEBIAN_OWNER_ID, EC2_LABEL, startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { BASE_IMAGE } from '../support/base-image';
import { docker, runInImage } from '../support/docker';
import { ec2Env, ec2Leaks, ownAmis, regionState } from '../support/fake-ec2-fixture';
import { createWorkspace, repoRoot, type NxResult, type TestWorkspace } from '../support/workspace';

/**
 * The Packer corpus (test/fixtures/packer-corpus, its README's "corpus test" column): each of the twenty
 * templates imported by `nx g nx-bake:from-packer` into one workspace as its own pipeline, the report's
 * telling lines checked and the pipeline validated; those nx-bake can build here are baked (local Docker,
 * the fake EC2, the fake DigitalOcean) and what their provisioners did is looked for in the result.
 */
const CORPUS = join(repoRoot, 'packages/nx-bake/test/fixtures/packer-corpus');

interface Template {
  pipeline: string;
  slug: string;
  /** The template as given to --template, relative to the slug's folder. */
  template: string;
  varFile?: string;
  /** Report lines (`file:line: kind: message`, the file as given) that are there only if the mapping worked. */
  report: (string | RegExp)[];
  /** What must not be in the report. */
  notInReport?: RegExp[];
}

const TEMPLATES: Template[] = [
  {
    pipeline: 'p01',
    slug: '01-docker-file-shell',
    template: 'template.json',
    report: [
      ':6: approximated: run_command: nx-bake starts the container itself; not kept: --entrypoint=/bin/sh',
      ':8: mapped: changes (builder docker)',
      ':17: mapped: file source {{ template_dir }}/files/motd.txt → template/files/motd.txt (copied)',
      ':22: mapped: shell execute_command',
      ':23: mapped: shell environment_vars',
    ],
  },
  {
    pipeline: 'p02',
    slug: '02-docker-tag-push',
    template: 'template.json',
    report: [
      ':3: mapped: variable repository (required: no default)',
      ':4: mapped: variable registry_username (required: no default)',
      ':5: mapped: variable registry_password (required: no default)',
      ':29: mapped: docker-tag repository → repository of builder docker',
      ':30: dropped: docker-tag: only the first tag ({{ var.tag }}) is kept; a stage\'s image has one tag',
      ':33: mapped: docker-push → push: true on builder docker',
    ],
  },
  {
    pipeline: 'p03',
    slug: '03-docker-ansible',
    template: 'template.json',
    report: [
      ':22: mapped: playbook ./playbook.yml → template/playbook.yml (copied)',
      ':24: mapped: ansible groups',
      ':25: dropped: ansible inventory_directory: nx-bake writes the inventory itself',
      ':26: mapped: ansible extra_arguments --extra-vars → vars (site_name)',
      ':27: mapped: ansible ansible_env_vars',
      ':31: dropped: ansible use_sftp: files go over the communicator’s own channel',
    ],
  },
  {
    pipeline: 'p04',
    slug: '04-amazon-ebs-scripts',
    template: 'template.json',
    report: [
      ':11: mapped: source_ami → the stage\'s from (builder amazon-ebs)',
      ':16: dropped: {{.SourceAMI}}: .SourceAMI is not known here; left out of the value',
      ':21: mapped: run_tags (builder amazon-ebs)',
      ':29: mapped: shell execute_command',
      ':34: mapped: script scripts/01-layout.sh → template/scripts/01-layout.sh (copied)',
      ':34: mapped: script scripts/02-marker.sh → template/scripts/02-marker.sh (copied)',
    ],
  },
  {
    pipeline: 'p05',
    slug: '05-amazon-ebs-imds',
    template: 'template.json',
    report: [
      ':2: dropped: "_comment": not a part of a Packer template nx-bake knows',
      ':12: mapped: source_ami_filter (builder amazon-ebs)',
      ':23: dropped: metadata_options: not a field of nx-bake\'s amazon-ebs builder',
      ':28: dropped: imds_support: not a field of nx-bake\'s amazon-ebs builder',
      ':29: mapped: launch_block_device_mappings (builder amazon-ebs)',
    ],
  },
  {
    pipeline: 'p06',
    slug: '06-digitalocean-reboot',
    template: 'template.json',
    report: [
      ':3: approximated: variable do_api_token: its default {{ env("DIGITALOCEAN_API_TOKEN") }} is read where it is used',
      ':17: mapped: snapshot_regions (builder digitalocean)',
      ':28: mapped: file source files/ → template/files/ (copied)',
      ':42: mapped: shell expect_disconnect',
      ':47: mapped: shell pause_before',
      ':49: mapped: script scripts/90-cleanup.sh → template/scripts/90-cleanup.sh (copied)',
    ],
  },
  {
    pipeline: 'p07',
    slug: '07-null-only-except',
    template: 'template.json',
    report: [
      ':3: approximated: builder "staging" (null): Packer\'s null builder provisions a host that already exists; here it is a Docker container from var.base_image, committed as an image',
      ':8: approximated: builder "production" (null)',
      ':15: dropped: provisioner shell-local: nx-bake has shell, file and ansible provisioners',
      ':31: mapped: manifest: every stage writes a Packer-shaped manifest',
      ':35: dropped: manifest custom_data',
      ':40: dropped: post-processor shell-local',
    ],
  },
  {
    pipeline: 'p08',
    slug: '08-user-vars-var-file',
    template: 'template.json',
    varFile: 'variables.json',
    report: [
      ':18: mapped: changes (builder app)',
      ':45: mapped: docker-tag repository → repository of builder app',
      ':52: dropped: manifest custom_data',
      /08-user-vars-var-file\/variables\.json:2: mapped: app_version → var file/,
      /08-user-vars-var-file\/variables\.json:3: secret: api_key: a secret; its value is not copied into the pipeline's var file/,
    ],
    // One builder: {{build_name}} is its name, not an approximation.
    notInReport: [/template\.json:27: approximated: \{\{build_name\}\}/],
  },
  {
    pipeline: 'p09',
    slug: '09-docker-two-builders',
    template: 'template.json',
    report: [
      ':9: mapped: image → the stage\'s from (builder bookworm)',
      ':15: mapped: image → the stage\'s from (builder jammy)',
      ':26: mapped: shell only',
      ':31: mapped: shell except',
      ':39: mapped: docker-tag only: it applies to builder bookworm',
      ':41: mapped: docker-tag tag → tag of builder bookworm',
      ':47: mapped: docker-tag only: it applies to builder jammy',
      ':49: mapped: docker-tag tag → tag of builder jammy',
    ],
  },
  {
    pipeline: 'p10',
    slug: '10-amazon-ebs-ansible',
    template: 'template.json',
    report: [
      ':3: secret: variable aws_access_key: looks like a secret, so it is sensitive',
      ':11: dropped: access_key: credentials come from the AWS SDK’s chain',
      ':12: dropped: secret_key: credentials come from the AWS SDK’s chain',
      ':15: mapped: source_ami_filter (builder amazon-ebs)',
      ':38: mapped: playbook ansible/site.yml → template/ansible/site.yml (copied)',
      ':40: mapped: ansible extra_arguments --extra-vars → vars (banner_src)',
    ],
  },
  {
    pipeline: 'p11',
    slug: '11-docker-hcl-basic',
    template: 'docker-debian.pkr.hcl',
    report: [
      ':15: mapped: variable deployed_by',
      ':22: mapped: image → the stage\'s from (builder debian)',
      ':33: mapped: shell environment_vars',
      ':43: mapped: shell inline',
      /^7 mapped, 0 approximated, 0 dropped, 0 secret$/m,
    ],
  },
  {
    pipeline: 'p12',
    slug: '12-docker-hcl-upload-download',
    template: 'upload_download.pkr.hcl',
    report: [
      ':2: dropped: discard: nx-bake always commits the container as an image',
      ':4: approximated: run_command: nx-bake starts the container itself',
      ':17: mapped: file source files/lemon → upload-download/files/lemon (copied)',
      ':22: mapped: file direction',
      ':23: approximated: file source /etc/corpus-12/berry: not copied (an absolute path); the pipeline reads it as written',
      ':27: mapped: file content',
    ],
  },
  {
    pipeline: 'p13',
    slug: '13-docker-hcl-ansible',
    template: 'build.pkr.hcl',
    report: [
      ':21: mapped: variable ansible_groups',
      ':29: mapped: changes (builder target)',
      ':39: mapped: playbook {{ template_dir }}/playbook.yml → build/playbook.yml (copied)',
      ':41: mapped: ansible groups',
      ':42: mapped: ansible extra_arguments --extra-vars → vars (app_release)',
    ],
  },
  {
    pipeline: 'p14',
    slug: '14-amazon-ebs-hcl-datasource',
    template: 'build.pkr.hcl',
    // What the data source became: the builder's source_ami_filter (being done on main).
    report: [/14-amazon-ebs-hcl-datasource\/build\.pkr\.hcl:\d+: (mapped|approximated): .*source_ami_filter/, ':29: mapped: ssh_username (builder from-datasource)'],
    // The id is looked up by the filter; the name (known only once Packer has read the data source) may be dropped.
    notInReport: [/data\.amazon-ami\.debian-12\.id\b.*empty string/],
  },
  {
    pipeline: 'p15',
    slug: '15-amazon-ebs-hcl-formatdate',
    template: 'build.pkr.hcl',
    report: [
      ':14: dropped: the validation block of variable environment has no counterpart in a pipeline',
      ':35: mapped: source_ami_filter (builder debian)',
      ':44: mapped: snapshot_tags (builder debian)',
      ':55: mapped: shell execute_command',
      ':56: mapped: script {{ template_dir }}/scripts/setup.sh → build/scripts/setup.sh (copied)',
      ':60: mapped: shell only',
    ],
  },
  {
    pipeline: 'p16',
    slug: '16-digitalocean-hcl-ansible',
    template: 'droplet.pkr.hcl',
    report: [
      ':14: approximated: variable do_token: its default {{ env("DIGITALOCEAN_API_TOKEN") }} is read where it is used',
      ':37: mapped: snapshot_name (builder debian)',
      ':48: mapped: playbook ./playbook.yml → droplet/playbook.yml (copied)',
      ':50: mapped: ansible extra_arguments --extra-vars → vars (dev_user)',
    ],
  },
  {
    pipeline: 'p17',
    slug: '17-null-hcl-manifest',
    template: 'null.pkr.hcl',
    report: [
      ':6: approximated: builder "test" (null): Packer\'s null builder provisions a host that already exists; here it is a Docker container from var.base_image',
      ':14: dropped: provisioner shell-local',
      ':15: approximated: source.name became the literal "test"',
      ':18: mapped: manifest',
      ':22: dropped: post-processor shell-local',
    ],
  },
  {
    pipeline: 'p18',
    slug: '18-docker-hcl-only-except',
    template: 'build.pkr.hcl',
    report: [
      ':34: mapped: shell only',
      ':39: mapped: shell except',
      ':46: dropped: docker-tag: only the first tag (latest) is kept',
      ':48: mapped: docker-push → push: true on builder bookworm, builder jammy',
      ':57: dropped: manifest except',
    ],
  },
  {
    pipeline: 'p19',
    slug: '19-hcl-dir-split',
    template: 'template',
    varFile: 'prod.pkrvars.hcl',
    report: [
      /19-hcl-dir-split\/prod\.pkrvars\.hcl:1: mapped: app_port → var file/,
      /19-hcl-dir-split\/template\/variables\.pkr\.hcl:1: mapped: variable image/,
      /19-hcl-dir-split\/template\/build\.pkr\.hcl:17: mapped: file source \{\{ template_dir \}\}\/files\/app\.env → build\/files\/app\.env \(copied\)/,
      /19-hcl-dir-split\/template\/sources\.pkr\.hcl:4: mapped: changes \(builder app\)/,
      // The folder's *.auto.pkrvars.hcl is read: the required `image` gets its value there.
      /19-hcl-dir-split\/template\/defaults\.auto\.pkrvars\.hcl:1: (mapped|approximated): image\b/,
    ],
    // The for expression and concat() are evaluated, not kept as text (being done on main).
    notInReport: [/dropped: concat\(\)/, /dropped: a for expression/],
  },
  {
    pipeline: 'p20',
    slug: '20-docker-hcl-hcp-sbom',
    template: 'sbom.pkr.hcl',
    report: [
      ':31: dropped: the hcp_packer_registry block of a build has no counterpart in a pipeline',
      ':40: mapped: shell inline',
      ':43: dropped: provisioner hcp-sbom: nx-bake has shell, file and ansible provisioners',
      ':50: dropped: the error-cleanup-provisioner block of a build has no counterpart in a pipeline',
      /^5 mapped, 0 approximated, 3 dropped, 0 secret$/m,
    ],
  },
];

/** Docker pipelines baked in one `nx run-many` (those with a var file are baked on their own, with it). */
const DOCKER = ['p01', 'p09', 'p11', 'p12', 'p13', 'p18', 'p20'];
const EC2 = ['p10', 'p14', 'p15'];
/** What the templates start from, tagged from the local base image for the bake (no Docker Hub here). */
const PUBLIC_BASES = ['debian:bookworm', 'ubuntu:22.04'];
/** The required variables of 02 (null defaults in the template), for validate. */
const P02_VARS = { BAKE_VAR_repository: '127.0.0.1:5000/corpus/p02', BAKE_VAR_registry_username: 'corpus', BAKE_VAR_registry_password: 'corpus-02-password' };
const DO_TOKEN = 'dop_v1_corpus16fake0000000000000000000000000000000000000000000000000';

describe('nx g nx-bake:from-packer: the Packer corpus, imported, validated and baked', () => {
  const started = Date.now();
  let workspace: TestWorkspace;
  let ec2: FakeEc2;
  let digitalOcean: FakeDigitalOcean;
  let debianAmi: string;
  const imports = new Map<string, NxResult>();
  let validate: NxResult;
  const bakes: Record<string, Promise<NxResult>> = {};
  const createdTags: string[] = [];
  const templatePath = (template: Template) => `packer/${template.slug}/${template.template}`;
  const manifestOf = (pipeline: string, stage: string) => JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, stage, 'manifest.json'), 'utf8'));
  const patch = (path: string, edit: (text: string) => string) => workspace.write(path, edit(readFileSync(join(workspace.root, path), 'utf8')));
  /** Waits for the bake that runs `pipeline` (alone, or in a run-many of several) and says why it failed, from its own lines. */
  const bakeOf = async (pipeline: string, run = pipeline) => {
    const result = await bakes[run];
    if (new RegExp(`^\\s+${pipeline}/\\S+: built`, 'm').test(result.stdout)) return result;
    const own = result.output.split('\n').filter((line) => line.includes(`${pipeline}/`) || line.includes(`${pipeline}-`) || line.includes(`${pipeline}:`));
    throw new Error(`bake of ${pipeline} failed (exit ${result.status}):\n${own.slice(-60).join('\n')}`);
  };

  type Build = { name: string; artifact_id: string; custom_data: Record<string, string> };
  const buildsOf = (pipeline: string, stage: string): Record<string, Build> => Object.fromEntries(manifestOf(pipeline, stage).builds.map((build: Build) => [build.name, build]));
  /** A stage's two Docker builders each keep the image they built (the bake's log says so when one adopted the other's). */
  const expectOwnImages = async (pipeline: string, builds: Record<string, Build>) => {
    if (builds.bookworm.artifact_id !== builds.jammy.artifact_id) return;
    const adopted = (await bakes.docker).output.split('\n').filter((line) => line.includes(`[${pipeline}/`) && /another bake|adopt/.test(line));
    throw new Error(`${pipeline}: both builders recorded one image, ${builds.jammy.artifact_id}:\n${adopted.join('\n')}`);
  };

  beforeAll(async () => {
    workspace = createWorkspace({ name: 'from-packer-corpus' });
    cpSync(CORPUS, join(workspace.root, 'packer'), { recursive: true });
    for (const template of TEMPLATES) {
      const args = ['g', 'nx-bake:from-packer', `--template=${templatePath(template)}`, `--pipeline=${template.pipeline}`, '--no-interactive'];
      if (template.varFile) args.push(`--varFile=packer/${template.slug}/${template.varFile}`);
      imports.set(template.pipeline, workspace.nx(args));
    }
    validate = workspace.nx(['run-many', '-t', 'validate', '-p', TEMPLATES.map((template) => template.pipeline).join(','), '--nxBail=false', '--output-style=static'], { env: P02_VARS });

    for (const tag of PUBLIC_BASES) {
      if (await docker.getImage(tag).inspect().then(() => true, () => false)) continue;
      const [repo, version] = tag.split(':');
      await docker.getImage(BASE_IMAGE).tag({ repo, tag: version });
      createdTags.push(tag);
    }
    // One after the other: a fake that started is stopped in afterAll even when the next one cannot start.
    ec2 = await startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 });
    digitalOcean = await startFakeDigitalOcean({ tokens: [DO_TOKEN], activeDelayMs: 300, actionDelayMs: 200 });

    // The fakes' instances let root in, not Debian's `admin`; and 18's push needs a registry (its import is checked above).
    for (const pipeline of ['p04', 'p10', 'p14']) patch(`pipelines/${pipeline}/pipeline.yaml`, (text) => text.replace(/ssh_username: admin/g, 'ssh_username: root').replace(/user: admin/g, 'user: root'));
    patch('pipelines/p18/pipeline.yaml', (text) => text.replace(/^ {4}(push|login|login_server|login_username|login_password): .*\n/gm, ''));

    debianAmi = regionState(ec2, 'us-east-1').images.find((image) => image.OwnerId === DEBIAN_OWNER_ID)!.ImageId as string;
    // --force: an image a crashed run left with the same fingerprint would be adopted, and nothing provisioned.
    const flags = ['--force', '--output-style=static'];
    bakes.docker = workspace.nxAsync(['run-many', '-t', 'bake', '-p', DOCKER.join(','), '--nxBail=false', ...flags]);
    bakes.p08 = workspace.nxAsync(['run', 'p08:bake', '--varFile=pipelines/p08/variables.yaml', ...flags]);
    bakes.p19 = workspace.nxAsync(['run', 'p19:bake', '--varFile=pipelines/p19/prod.yaml', ...flags]);
    bakes.p04 = workspace.nxAsync(['run', 'p04:bake', `--var=source_ami=${debianAmi}`, ...flags], { env: ec2Env(ec2) });
    bakes.ec2 = workspace.nxAsync(['run-many', '-t', 'bake', '-p', EC2.join(','), '--nxBail=false', ...flags], { env: ec2Env(ec2, { BAKE_VAR_ssh_username: 'root' }) });
    bakes.p16 = workspace.nxAsync(['run', 'p16:bake', ...flags], { env: { DIGITALOCEAN_API_URL: digitalOcean.url, DIGITALOCEAN_API_TOKEN: DO_TOKEN } });
    await Promise.all(Object.values(bakes));
  }, 300_000);

  afterAll(async () => {
    await ec2?.stop();
    await digitalOcean?.stop();
    // Every image a bake of these pipelines made since this test started, newest first (children before parents).
    const images = await docker.listImages({ all: true, filters: { label: ['nx-bake.pipeline'] } });
    const ours = images.filter((image) => TEMPLATES.some((template) => image.Labels?.['nx-bake.pipeline'] === template.pipeline) && image.Created * 1000 >= started - 1000);
    for (const image of ours.sort((a, b) => b.Created - a.Created)) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    for (const tag of createdTags) await docker.getImage(tag).remove({ noprune: true }).catch(() => undefined);
    workspace?.remove();
  });

  describe.each(TEMPLATES)('$slug', (template) => {
    it('imports with a report that says what became of it, and validates', () => {
      const result = imports.get(template.pipeline)!;
      if (result.status !== 0) throw new Error(`import failed:\n${result.output}`);
      for (const line of template.report) {
        if (typeof line === 'string') expect(result.stdout).toContain(`${templatePath(template)}${line}`);
        else expect(result.stdout).toMatch(line);
      }
      for (const absent of template.notInReport ?? []) expect(result.stdout).not.toMatch(absent);
      expect(result.stdout).toMatch(/^\d+ mapped, \d+ approximated, \d+ dropped, \d+ secret$/m);
      expect(validate.output).toContain(`pipelines/${template.pipeline}/pipeline.yaml: pipeline ${template.pipeline} is valid`);
    });
  });

  it('01 (docker): the file provisioner wrote /etc/motd and the shell one /etc/corpus-01.txt, with the changes applied', async () => {
    await bakeOf('p01', 'docker');
    const image = manifestOf('p01', 'template').builds[0].artifact_id;
    expect(await runInImage(image, ['cat', '/etc/motd', '/etc/corpus-01.txt'])).toMatch(/corpus 01[\s\S]*provisioned by shell/);
    expect((await docker.getImage(image).inspect()).Config.Labels).toMatchObject({ 'org.example.corpus': '01-docker-file-shell' });
  });

  it('08 (docker, --varFile): /etc/corpus-08/release has the var file\'s version and the builder\'s name', async () => {
    await bakeOf('p08');
    const [build] = manifestOf('p08', 'template').builds;
    expect(build.custom_data).toEqual({ tag: 'example/corpus-08:1.4.2' });
    const release = await runInImage(build.artifact_id, ['cat', '/etc/corpus-08/release']);
    expect(release).toContain('version=1.4.2');
    expect(release).toContain('build=app');
  });

  it('09 (docker, two builders): only/except ran the provisioners each builder should, each image under its own tag', async () => {
    await bakeOf('p09', 'docker');
    const builds = buildsOf('p09', 'template');
    await expectOwnImages('p09', builds);
    expect(builds.bookworm.custom_data).toEqual({ tag: 'example/corpus-09:bookworm' });
    expect(builds.jammy.custom_data).toEqual({ tag: 'example/corpus-09:jammy' });
    const files = 'for f in only except; do test -f /etc/corpus-09-$f && echo $f; done';
    expect((await runInImage(builds.jammy.artifact_id, ['sh', '-c', files])).trim()).toBe('only');
    expect((await runInImage(builds.bookworm.artifact_id, ['sh', '-c', files])).trim()).toBe('except');
  });

  it('11 (docker): /corpus-11.txt says "baked by corpus"', async () => {
    await bakeOf('p11', 'docker');
    expect((await runInImage(manifestOf('p11', 'docker-debian').builds[0].artifact_id, ['cat', '/corpus-11.txt'])).trim()).toBe('baked by corpus');
  });

  it('12 (docker, discard dropped): the uploads and the inline content are in the image, the download in the pipeline folder', async () => {
    await bakeOf('p12', 'docker');
    const image = manifestOf('p12', 'upload-download').builds[0].artifact_id;
    expect(await runInImage(image, ['cat', '/etc/corpus-12/berry', '/srv/fruit/strawberry', '/srv/fruit/lemon', '/srv/fruit/receipt'])).toBe(
      ['strawberry', 'strawberry', 'lemon', 'written from content', ''].join('\n'),
    );
    expect(readFileSync(join(workspace.root, 'pipelines/p12/downloaded-berry'), 'utf8')).toBe('strawberry\n');
  });

  it('13 (docker, ansible): the playbook wrote /srv/app/RELEASE with corpus-13', async () => {
    await bakeOf('p13', 'docker');
    expect(await runInImage(manifestOf('p13', 'build').builds[0].artifact_id, ['cat', '/srv/app/RELEASE'])).toBe('corpus-13\n');
  });

  it('18 (docker, two sources, push left out): /etc/corpus-18-only only in jammy, /etc/corpus-18-except only in bookworm, each its own source.name', async () => {
    await bakeOf('p18', 'docker');
    const builds = buildsOf('p18', 'build');
    await expectOwnImages('p18', builds);
    const files = 'for f in only except; do test -f /etc/corpus-18-$f && echo $f; done';
    expect((await runInImage(builds.jammy.artifact_id, ['sh', '-c', files])).trim()).toBe('only');
    expect((await runInImage(builds.bookworm.artifact_id, ['sh', '-c', files])).trim()).toBe('except');
    // `${source.name}` is each build's own source.
    expect(await runInImage(builds.jammy.artifact_id, ['cat', '/etc/corpus-18-source'])).toBe('jammy\n');
    expect(await runInImage(builds.bookworm.artifact_id, ['cat', '/etc/corpus-18-source'])).toBe('bookworm\n');
  });

  it('19 (docker, folder template, --varFile): /etc/corpus-19/app.conf holds port=9090, and the image exposes it', async () => {
    await bakeOf('p19');
    const image = manifestOf('p19', 'build').builds[0].artifact_id;
    expect(await runInImage(image, ['cat', '/etc/corpus-19/app.conf', '/etc/corpus-19/app.env'])).toBe(`port=9090\n${readFileSync(join(CORPUS, '19-hcl-dir-split/template/files/app.env'), 'utf8')}`);
    expect(Object.keys((await docker.getImage(image).inspect()).Config.ExposedPorts ?? {})).toEqual(['9090/tcp']);
  });

  it('20 (docker, after the drops): /etc/corpus-20.txt', async () => {
    await bakeOf('p20', 'docker');
    expect(await runInImage(manifestOf('p20', 'sbom').builds[0].artifact_id, ['cat', '/etc/corpus-20.txt'])).toBe('sbom\n');
  });

  /** The fake EC2's AMI of a manifest: its instance's container, committed as an image. */
  const amiImage = async (pipeline: string, stage: string): Promise<string> => {
    const [region, id] = (manifestOf(pipeline, stage).builds[0].artifact_id as string).split(':');
    const ami = ownAmis(ec2, region).find((image) => image.ImageId === id);
    expect(ami).toBeDefined();
    const [image] = await docker.listImages({ filters: { label: [`${EC2_LABEL.instance}=${ec2.instanceId}`, `${EC2_LABEL.snapshotName}=${ami!.Name}`] } });
    expect(image).toBeDefined();
    return image.Id;
  };

  it('04 (fake EC2, source_ami as a var): /etc/corpus-04.txt and /opt/corpus-04/etc/layout.txt', async () => {
    await bakeOf('p04');
    const image = await amiImage('p04', 'template');
    expect(await runInImage(image, ['cat', '/etc/corpus-04.txt', '/opt/corpus-04/etc/layout.txt'])).toBe('corpus 04 done\nlayout for corpus 04\n');
  });

  it('10 (fake EC2, ansible): /etc/issue.net from the uploaded banner and /etc/corpus-10.txt', async () => {
    await bakeOf('p10', 'ec2');
    const image = await amiImage('p10', 'template');
    expect(await runInImage(image, ['cat', '/etc/issue.net'])).toBe(readFileSync(join(CORPUS, '10-amazon-ebs-ansible/ansible/files/banner.txt'), 'utf8'));
    expect(await runInImage(image, ['cat', '/etc/corpus-10.txt'])).toBe('ansible ran\n');
  });

  it('14 (fake EC2, the data source as source_ami_filter): built from the Debian AMI the filter found, /tmp/corpus-14.txt written', async () => {
    const bake = await bakeOf('p14', 'ec2');
    expect(bake.stdout).toContain(`[p14/build] source_ami_filter found ${debianAmi} (debian-12-amd64-`);
    expect(await runInImage(await amiImage('p14', 'build'), ['cat', '/tmp/corpus-14.txt'])).toMatch(/^from\b/);
  });

  it('15 (fake EC2): /etc/corpus-15/build.env and /etc/corpus-15-date', async () => {
    await bakeOf('p15', 'ec2');
    const image = await amiImage('p15', 'build');
    expect(await runInImage(image, ['cat', '/etc/corpus-15/build.env'])).toMatch(/^environment=dev\nbuild=\S+\n$/);
    expect(await runInImage(image, ['cat', '/etc/corpus-15-date'])).toMatch(/^built on \d{4}-\d\d-\d\d\n$/);
  });

  it('16 (fake DigitalOcean, ansible): user dev and /etc/corpus-16.txt in the snapshot', async () => {
    await bakeOf('p16');
    const [region, id] = (manifestOf('p16', 'droplet').builds[0].artifact_id as string).split(':');
    expect(region).toBe('sfo3');
    const [image] = await docker.listImages({ filters: { label: [`fake-digitalocean.instance=${digitalOcean.instanceId}`, `fake-digitalocean.image=${id}`] } });
    expect(image).toBeDefined();
    expect(await runInImage(image.Id, ['sh', '-c', 'id -un dev && cat /etc/corpus-16.txt'])).toBe('dev\ndeveloper dev\n');
  });

  it('the fakes were called as their APIs say, and no instance, droplet or key is left', async () => {
    await Promise.all(Object.values(bakes));
    expect(ec2.violations()).toEqual([]);
    expect(digitalOcean.violations()).toEqual([]);
    // One AMI for each EC2 stage that was built (recorded in its manifest), nothing else.
    const built = [['p04', 'template'], ['p10', 'template'], ['p14', 'build'], ['p15', 'build']].filter(([pipeline, stage]) => existsSync(join(workspace.root, 'dist/images', pipeline, stage, 'manifest.json')));
    expect(built.length).toBeGreaterThan(0);
    expect(await ec2Leaks(ec2, { allowAmis: built.length })).toEqual([]);
    expect(digitalOcean.state().droplets).toEqual([]);
    expect(digitalOcean.state().keys).toEqual([]);
  });
});
