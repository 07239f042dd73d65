import { parseDockerBuilderConfig } from './config';

describe('parseDockerBuilderConfig', () => {
  it('fills in defaults', () => {
    expect(parseDockerBuilderConfig({ type: 'docker' })).toEqual({
      type: 'docker',
      pull: false,
      repository: undefined,
      tag: 'latest',
      changes: [],
      labels: {},
      network: undefined,
      privileged: false,
      volumes: [],
      env: {},
      execUser: undefined,
      push: false,
      systemd: false,
      systemdTimeoutMs: 120_000,
    });
  });

  it('takes systemd and its boot timeout', () => {
    expect(parseDockerBuilderConfig({ type: 'docker', systemd: true, systemd_timeout: '45s' })).toMatchObject({ systemd: true, systemdTimeoutMs: 45_000 });
  });

  it("accepts Packer's communicator field when it names docker exec", () => {
    expect(parseDockerBuilderConfig({ type: 'docker', communicator: 'docker' }).type).toBe('docker');
  });

  it('normalizes labels, env and both volume forms', () => {
    const config = parseDockerBuilderConfig({
      type: 'docker',
      repository: 'localhost:5000/team/app-base',
      tag: 'v1.2_3',
      labels: { tier: 'web', replicas: 3 },
      env: { DEBUG: true },
      volumes: { '/host/cache': '/var/cache/apt' },
      network: 'host',
      privileged: true,
      pull: true,
      exec_user: 'builder',
      changes: ['CMD ["nginx"]', 'env A=b', ' EXPOSE 80'],
    });
    expect(config).toMatchObject({
      repository: 'localhost:5000/team/app-base',
      tag: 'v1.2_3',
      labels: { tier: 'web', replicas: '3' },
      env: { DEBUG: 'true' },
      volumes: ['/host/cache:/var/cache/apt'],
      network: 'host',
      privileged: true,
      pull: true,
      execUser: 'builder',
    });
    expect(parseDockerBuilderConfig({ type: 'docker', volumes: ['/a:/b:ro'] }).volumes).toEqual(['/a:/b:ro']);
  });

  it.each([
    [{ type: 'docker', privilegd: true }, /"privilegd" is not a docker builder field, did you mean 'privileged'\?/],
    [{ type: 'docker', registry_user: 'u' }, /"registry_user" is not a docker builder field, did you mean 'registry_username'\?/],
    [{ type: 'docker', repository: 'Upper/Case' }, /"repository" "Upper\/Case" is not a valid Docker repository/],
    [{ type: 'docker', tag: 'a:b' }, /"tag" "a:b" is not a valid Docker tag/],
    [{ type: 'docker', pull: 'yes' }, /"pull" must be true or false/],
    [{ type: 'docker', changes: ['RUN apt-get update'] }, /"changes\[0\]" must start with one of CMD, ENTRYPOINT/],
    [{ type: 'docker', changes: 'CMD x' }, /"changes" must be a list of strings/],
    [{ type: 'docker', labels: ['a'] }, /"labels" must be a map/],
    [{ type: 'docker', labels: { a: { b: 1 } } }, /"labels.a" must be a string, number or boolean/],
    [{ type: 'docker', env: { 'BAD-NAME': 'x' } }, /"env.BAD-NAME" is not a valid name/],
    [{ type: 'docker', volumes: ['/only-one-side'] }, /"volumes\[0\]" must be "host:container/],
    [{ type: 'docker', network: 1 }, /"network" must be a string/],
    [{ type: 'ssh' }, /"type" must be "docker"/],
    [{ type: 'docker', systemd: 'yes' }, /"systemd" must be true or false/],
    [{ type: 'docker', systemd_timeout: '10' }, /"systemd_timeout" "10" is not a duration/],
    [{ type: 'docker', communicator: 'ssh' }, /"communicator" must be "docker", got "ssh"/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseDockerBuilderConfig(raw, 'local')).toThrow(message);
  });

  it('names the builder in errors', () => {
    expect(() => parseDockerBuilderConfig({ type: 'docker', tag: '-x' }, 'web')).toThrow(/^builder "web" \(docker\): "tag"/);
  });
});
