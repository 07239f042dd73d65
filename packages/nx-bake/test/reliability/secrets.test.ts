/**
 * Secrets never leave the bake (issue #6): a canary DigitalOcean token and a canary sensitive variable
 * (used in a shell provisioner's environment and in Ansible vars, Ansible at -vvv) are searched for in every
 * byte the bake leaves anywhere: its output, the manifests, dist/, .nx/, Nx's cache and task database (under
 * ~/.nx/<workspace id>/ with Nx 24), its temp folder, the Docker image's labels and history, and the droplets'
 * user data and tags and every tag at the fake cloud. Zero hits. The temporary SSH private key is 0600 in a 0700 folder while it exists, and gone after.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useBakeFixture } from '../support/bake-fixture';
import { removeByLabel } from '../support/docker';
import { recordLeaks, recordSecretHits } from '../support/reliability-counts';
import { CanarySearch } from './canary-search';
import { cloudLeaks, localLeaks, walk } from './leaks';
import { BASE_IMAGE } from '../support/base-image';

describe('secrets in a Docker + DigitalOcean bake', () => {
  const secret = `canary-secret-${randomUUID()}`;
  const pipeline = `relsec${randomUUID().slice(0, 6)}`;
  const fx = useBakeFixture({
    name: 'rel-secrets',
    cloud: true,
    files: {
        [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
variables:
  token: { type: string, sensitive: true }
  canary: { type: string, sensitive: true }
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-reliability/${pipeline}
  cloud:
    type: digitalocean
    api_token: "{{ var.token }}"
    region: nyc3
    size: s-1vcpu-1gb
    poll_interval: 200ms
    user_data: "#cloud-config\\n"
stages:
  - name: only
    from: { image: { local: "${BASE_IMAGE}", cloud: debian-12-x64 } }
    provisioners:
      - type: shell
        environment_vars: ["CANARY={{ var.canary }}"]
        inline: ["test -n \\"$CANARY\\"", "echo \\"the canary is $CANARY\\""]
      - type: ansible
        playbook: only/playbook.yml
        extra_arguments: ["-vvv"]
        vars: { canary: "{{ var.canary }}" }
`,
        [`pipelines/${pipeline}/only/playbook.yml`]: `- hosts: all
  gather_facts: false
  tasks:
    - name: show the canary
      ansible.builtin.debug: { msg: "the canary is {{ canary }}" }
    - name: use the canary
      ansible.builtin.shell: "test -n \\"$CANARY\\" && sleep 2"
      environment: { CANARY: "{{ canary }}" }
`,
    },
  });
  afterAll(() => removeByLabel(`nx-bake.pipeline=${pipeline}`));

  it('leaves the canaries nowhere, and the SSH key only briefly, 0600 in a private folder', async () => {
    const { fake, workspace, tmp } = fx;
    // Watch the bake while it runs: the droplets (user data, tags) vanish with it, and so does the key file.
    const seenAtCloud = new Set<string>();
    const keyFiles = new Map<string, { mode: number; dirMode: number }>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const state = fake.state();
        for (const droplet of state.droplets) seenAtCloud.add(JSON.stringify({ userData: droplet.userData, tags: droplet.tags, name: droplet.name }));
        for (const snapshot of state.snapshots) seenAtCloud.add(JSON.stringify({ tags: snapshot.tags, name: snapshot.name }));
        state.tags.forEach((tag) => seenAtCloud.add(tag));
        for (const path of walk(tmp).filter((entry) => entry.endsWith('id_ed25519'))) {
          try {
            keyFiles.set(path, { mode: statSync(join(tmp, path)).mode & 0o777, dirMode: statSync(dirname(join(tmp, path))).mode & 0o777 });
          } catch {
            // gone between the listing and the stat
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await workspace.nxAsync(['run', `${pipeline}-only:bake`, '--output-style=stream'], {
      env: fx.env({ BAKE_VAR_canary: secret, PYTHONUNBUFFERED: '1' }),
    });
    watching = false;
    await watcher;
    expect([result.status, result.status === 0 ? '' : result.output.slice(-6000)]).toEqual([0, '']);
    // The scenario really used the canary: Ansible saw it (redacted in the log) at -vvv.
    expect(result.output).toContain('the canary is <sensitive>');
    expect(result.output).toMatch(/ansible-playbook \[core|<127\.77\.|ESTABLISH/);

    const canaries = new CanarySearch([fx.token, secret]);
    canaries.search('the bake output', result.output);
    canaries.searchFiles(workspace.root, tmp);
    const manifest = JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, 'only/manifest.json'), 'utf8')) as { builds: { name: string; artifact_id: string }[] };
    await canaries.searchImage(manifest.builds.find((build) => build.name === 'local')!.artifact_id);
    expect(seenAtCloud.size).toBeGreaterThan(0);
    canaries.search('droplet user data and tags, snapshot and cloud tags', [...seenAtCloud].join('\n'));
    canaries.search('the cloud now', JSON.stringify(fake.state()));
    expect(recordSecretHits(canaries.hits)).toEqual([]);

    expect([...keyFiles.values()].length).toBeGreaterThan(0);
    for (const [path, modes] of keyFiles) expect([path, modes]).toEqual([path, { mode: 0o600, dirMode: 0o700 }]);
    const leaks = [...(await localLeaks({ workspace, tmp, pipeline, allowManifest: true })), ...(await cloudLeaks(fake, { allowSnapshots: 1 }))];
    expect(recordLeaks(leaks)).toEqual([]);
  });
});
