import { createServer, Server } from 'node:net';
import { startFakeDigitalOcean } from '../fake';
import { probeBind } from './probe';

describe('the SSH port check', () => {
  let wildcard: Server;
  let port: number;

  beforeAll(async () => {
    wildcard = createServer();
    await new Promise<void>((resolve) => wildcard.listen({ host: '0.0.0.0', port: 0 }, resolve));
    port = (wildcard.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => wildcard.close(() => resolve())));

  it('sees a wildcard bind on the port from any 127.77 address', async () => {
    expect(await probeBind('127.77.9.1', port)).toBe('in-use');
    expect(await probeBind('127.77.9.1', 0)).toBe('free');
  });

  it('refuses to start the fake when droplets could not listen on their SSH port', async () => {
    await expect(startFakeDigitalOcean({ tokens: ['t'], sshPort: port })).rejects.toThrow(/wildcard bind/);
  });

  it('refuses a non-loopback host', async () => {
    await expect(startFakeDigitalOcean({ tokens: ['t'], host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
