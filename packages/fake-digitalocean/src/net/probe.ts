import { createServer } from 'node:net';

export type BindProbe = 'free' | 'in-use' | 'not-permitted';

/** Whether `address:port` can be bound right now (a wildcard bind on the port makes it `in-use`). */
export function probeBind(address: string, port: number): Promise<BindProbe> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve('in-use');
      else if (error.code === 'EACCES' || error.code === 'EPERM') resolve('not-permitted');
      else reject(error);
    });
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Whether `address` is an IPv4 loopback address (127.0.0.0/8) or `localhost`. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
