import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansibleEnvironment } from './ansible';
import { extraVars, inventory } from './ansible-files';

describe('inventory', () => {
  it('puts the one host in all and the given groups, with the target vars and user', () => {
    const text = inventory({ inventoryVars: { ansible_connection: 'community.docker.docker', ansible_host: 'abc' } }, { groups: ['web', 'all'], user: 'deploy' });
    expect(JSON.parse(text)).toEqual({
      all: {
        hosts: { default: { ansible_connection: 'community.docker.docker', ansible_host: 'abc', ansible_user: 'deploy' } },
        children: { web: { hosts: { default: null } } },
      },
    });
  });
});

describe('extraVars', () => {
  const context = { builderName: 'local', builderType: 'docker', renderFile: () => 'a: from-template\nb: from-template\n' };

  it('lets vars win over the vars_template, and both over the builder facts', () => {
    expect(extraVars({ vars: { b: 'from-vars', nx_bake_build_name: 'mine' }, vars_template: 'v.yml' }, context)).toEqual({
      nx_bake_build_name: 'mine',
      nx_bake_builder_type: 'docker',
      a: 'from-template',
      b: 'from-vars',
    });
  });

  it('rejects a template that is not a map', () => {
    expect(() => extraVars({ vars_template: 'list.yml' }, { ...context, renderFile: () => '- a\n- b\n' })).toThrow(/list\.yml must render to a map/);
    expect(() => extraVars({ vars_template: 'bad.yml' }, { ...context, renderFile: () => 'a: [' })).toThrow(/bad\.yml did not render to valid YAML/);
  });
});

describe('ansibleEnvironment', () => {
  it('forces colour only for a terminal', () => {
    expect(ansibleEnvironment({}, { tempDir: '/t' }, {}, true)).toMatchObject({ ANSIBLE_FORCE_COLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_PIPELINING: 'True' });
    const plain = ansibleEnvironment({}, { tempDir: '/t' }, {}, false);
    expect(plain.ANSIBLE_NOCOLOR).toBe('1');
    expect(plain.ANSIBLE_FORCE_COLOR).toBeUndefined();
    expect(plain.ANSIBLE_RETRY_FILES_ENABLED).toBe('False');
  });

  it('adds the galaxy roles folder and lets ansible_env_vars override', () => {
    const env = ansibleEnvironment({ galaxy_file: 'req.yml', ansible_env_vars: ['ANSIBLE_PIPELINING=False', 'X=1'] }, { tempDir: '/t' }, { FROM_TARGET: 'y' }, false);
    expect(env.ANSIBLE_ROLES_PATH?.split(':')[0]).toBe('/t/roles');
    expect(env).toMatchObject({ ANSIBLE_PIPELINING: 'False', X: '1', FROM_TARGET: 'y' });
    expect(env.ANSIBLE_COLLECTIONS_PATH?.split(':')[0]).toBe('/t/collections');
  });

  it("puts the stage folder's collections and roles first, then the user's search path or Ansible's default", () => {
    const stageDir = mkdtempSync(join(tmpdir(), 'nxb-stage-'));
    try {
      mkdirSync(join(stageDir, 'collections/ansible_collections'), { recursive: true });
      mkdirSync(join(stageDir, 'roles'));
      const env = ansibleEnvironment({ ansible_env_vars: ['ANSIBLE_ROLES_PATH=/mine/roles'] }, { tempDir: '/t', stageDir }, {}, false);
      expect(env.ANSIBLE_COLLECTIONS_PATH).toBe(`${stageDir}/collections:~/.ansible/collections:/usr/share/ansible/collections`);
      expect(env.ANSIBLE_ROLES_PATH).toBe(`${stageDir}/roles:/mine/roles`);
      const withGalaxy = ansibleEnvironment({ galaxy_file: 'req.yml' }, { tempDir: '/t', stageDir }, {}, false);
      expect(withGalaxy.ANSIBLE_ROLES_PATH?.split(':').slice(0, 2)).toEqual([`${stageDir}/roles`, '/t/roles']);
    } finally {
      rmSync(stageDir, { recursive: true, force: true });
    }
  });

  it('leaves the search paths alone for a stage without vendored content', () => {
    const env = ansibleEnvironment({}, { tempDir: '/t', stageDir: '/no/such/stage' }, {}, false);
    expect(env.ANSIBLE_COLLECTIONS_PATH).toBe(process.env.ANSIBLE_COLLECTIONS_PATH);
    expect(env.ANSIBLE_ROLES_PATH).toBe(process.env.ANSIBLE_ROLES_PATH);
  });
});
