// Child-process entry used by the integration harness to drive scripts/lib/orthanc.mjs (ESM) from jest (CJS).
//   node orthancRunner.mjs start <dataDir> [port]   → prints one JSON line {url, dicomwebUrl, pid, httpPort}
//       then keeps Orthanc running until SIGTERM/SIGINT or until stdin closes (parent gone), then stops it.
//   node orthancRunner.mjs call <function> <jsonArgsArray> → prints {"result": …} or {"error": message, "name": …}
// Errors are printed as one line on stderr (exit code 1), the way npm start reports them.
import * as orthanc from '../../scripts/lib/orthanc.mjs';
import { findFreePort } from '../../scripts/lib/net.mjs';

const [cmd, ...args] = process.argv.slice(2);

if (cmd === 'start') {
  const [dataDir, portArg] = args;
  try {
    await orthanc.ensureOrthancInstalled({ log: (l) => process.stderr.write(`${l}\n`) });
    const httpPort = portArg ? Number(portArg) : await findFreePort();
    const server = await orthanc.startOrthanc({ httpPort, dataDir, log: (l) => process.stderr.write(`${l}\n`) });
    let stopping = false;
    const shutdown = async () => {
      if (stopping) return;
      stopping = true;
      await server.stop();
      process.exit(0);
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
    const { url, dicomwebUrl, pid } = server;
    process.stdout.write(`${JSON.stringify({ url, dicomwebUrl, pid, httpPort: server.httpPort })}\n`);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
} else if (cmd === 'call') {
  const [fn, json] = args;
  try {
    const result = await orthanc[fn](...JSON.parse(json ?? '[]'));
    if (result && typeof result.stop === 'function') await result.stop();
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: err.message, name: err.name, userFacing: err.userFacing === true })}\n`);
  }
} else {
  process.stderr.write(`usage: orthancRunner.mjs start <dataDir> [port] | call <fn> <json>\n`);
  process.exit(2);
}
