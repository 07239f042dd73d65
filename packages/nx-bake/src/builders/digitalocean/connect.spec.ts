import { sshFields } from './connect';

describe('sshFields', () => {
  it.each([
    ['no ssh fields', {}, { ssh_host: '203.0.113.7', privateKey: 'KEY' }],
    ['ssh fields pass through', { ssh_username: 'debian', ssh_timeout: '5m', pause_before_connecting: '10s' }, { ssh_username: 'debian', ssh_timeout: '5m', pause_before_connecting: '10s', ssh_host: '203.0.113.7', privateKey: 'KEY' }],
    ["the droplet's address wins over ssh_host", { ssh_host: 'elsewhere' }, { ssh_host: '203.0.113.7', privateKey: 'KEY' }],
  ])('%s', (_case, ssh, fields) => {
    expect(sshFields({ ssh }, '203.0.113.7', 'KEY')).toStrictEqual(fields);
  });
});
