import net from 'node:net';

/**
 * Find a TCP port on 127.0.0.1 that is free right now. The dashboard must be built with
 * the API's URL before the API starts, so the port is chosen first and bound later.
 * NOTE: another process may take the port in between; the test then fails at bind time.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('Could not read the port of a probe server on 127.0.0.1.'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
