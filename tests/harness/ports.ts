import * as net from 'net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago. Another process may take it before the caller binds it, so
 * callers that start servers retry on "address already in use" (see startPrometheus / startNodeExporter).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: could not read the bound port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
