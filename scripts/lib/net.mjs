// TCP port helpers for the start/test scripts (plain Node ESM, no dependencies).
import net from 'node:net';

/**
 * Whether a TCP port can be bound on `host` right now.
 * @param {number} port
 * @param {string} [host='127.0.0.1'] use '0.0.0.0' to check all IPv4 interfaces (Orthanc binds those).
 * @returns {Promise<boolean>}
 */
export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * A TCP port that is free on `host` now (chosen by the OS). Another process may take it before you
 * bind it; callers that spawn servers should still handle "address in use".
 * @param {string} [host='127.0.0.1']
 * @returns {Promise<number>}
 */
export function findFreePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not obtain a free TCP port'))));
    });
  });
}
