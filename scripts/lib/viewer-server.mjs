// A small dependency-free HTTP server for the prebuilt OHIF viewer with our plugin:
//   /app-config.js        -> our platform-config/ohif/app-config.js (instead of the one in dist)
//   /pvpi-plugin/<file>   -> our ES module bundles (webpack output, build/ohif/)
//   /dicom-web/<...>      -> proxied (streaming, any method) to the DICOMweb server, so the browser sees one origin
//   anything else         -> a file of the OHIF dist, or index.html for client-side routes (/pvpi?StudyInstanceUIDs=…)
// Plain Node ESM (no npm dependencies).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

/** URL prefix under which our bundles are served. */
export const PLUGIN_PREFIX = '/pvpi-plugin/';
/** URL prefix proxied to the DICOMweb server. */
export const DICOMWEB_PREFIX = '/dicom-web';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
  '.onnx': 'application/octet-stream',
};

// Request headers that describe the client-to-us hop, not the request itself.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function mimeOf(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolves `urlPath` inside `root`; null when it escapes root. */
function safeJoin(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return full === root || full.startsWith(root + path.sep) ? full : null;
}

async function fileInfo(file) {
  try {
    const s = await stat(file);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

function sendText(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${text}\n`);
}

async function sendFile(req, res, file, { cache }) {
  const info = await fileInfo(file);
  if (!info) return false;
  const headers = {
    'content-type': mimeOf(file),
    'content-length': String(info.size),
    'cache-control': cache,
    // Cross-origin isolation, so SharedArrayBuffer is available to Cornerstone's loaders (everything is same-origin).
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
  };
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
  return true;
}

function proxy(req, res, upstreamBase, log) {
  // req.url starts with /dicom-web; the rest is appended to the upstream DICOMweb root.
  const rest = req.url.slice(DICOMWEB_PREFIX.length);
  const target = new URL(upstreamBase.pathname.replace(/\/$/, '') + rest, upstreamBase);
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.host = target.host;
  // RFC 7239: the DICOMweb plugin then writes BulkDataURI/RetrieveURL links on the viewer's origin, not Orthanc's.
  if (req.headers.host && !headers.forwarded) headers.forwarded = `host=${req.headers.host};proto=http`;
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(target, { method: req.method, headers }, (up) => {
    const out = {};
    for (const [name, value] of Object.entries(up.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
    }
    // Cross-origin isolation (COEP) needs every same-origin response to allow itself.
    out['cross-origin-resource-policy'] = 'same-origin';
    res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    const msg = `DICOMweb server unreachable at ${upstreamBase.href} (${err.code ?? err.message})`;
    log?.(`viewer proxy: ${msg}`);
    if (!res.headersSent) sendText(res, 502, msg);
    else res.destroy();
  });
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}

/**
 * Starts the viewer server.
 * @param {object} options
 * @param {number} options.port TCP port (0 picks a free one)
 * @param {string} [options.host] interface to listen on (default 127.0.0.1)
 * @param {string} options.distDir the OHIF dist directory (from ensureOhifDist)
 * @param {string} options.bundleDir directory with our ES module bundles (served under /pvpi-plugin/)
 * @param {string} options.appConfigPath our app-config.js (served as /app-config.js)
 * @param {string} options.dicomwebUrl DICOMweb root proxied at /dicom-web (e.g. http://127.0.0.1:8142/dicom-web)
 * @param {(message: string) => void} [options.log]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>} url has no trailing slash
 */
export async function startViewer({ port, host = '127.0.0.1', distDir, bundleDir, appConfigPath, dicomwebUrl, log = () => {} }) {
  const distRoot = path.resolve(distDir);
  const bundleRoot = path.resolve(bundleDir);
  let upstreamBase;
  try {
    upstreamBase = new URL(dicomwebUrl);
  } catch {
    throw new Error(`invalid DICOMweb URL: ${dicomwebUrl}`);
  }
  const indexHtml = path.join(distRoot, 'index.html');
  if (!(await fileInfo(indexHtml))) throw new Error(`no OHIF viewer at ${distRoot} (index.html missing)`);
  if (!(await fileInfo(appConfigPath))) throw new Error(`app config not found: ${appConfigPath}`);

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const p = url.pathname;
      if (p === DICOMWEB_PREFIX || p.startsWith(`${DICOMWEB_PREFIX}/`)) return proxy(req, res, upstreamBase, log);
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, `method ${req.method} not allowed`);
      if (p === '/app-config.js') return void (await sendFile(req, res, appConfigPath, { cache: 'no-cache' }));
      if (p.startsWith(PLUGIN_PREFIX)) {
        const file = safeJoin(bundleRoot, p.slice(PLUGIN_PREFIX.length));
        if (file && (await sendFile(req, res, file, { cache: 'no-cache' }))) return;
        return sendText(res, 404, `plugin file not found: ${p} (run npm run build:ohif)`);
      }
      // The service worker of the dist would cache the old app shell across rebuilds; serve none.
      if (p === '/sw.js') return sendText(res, 404, 'no service worker');
      const file = safeJoin(distRoot, p);
      if (file && (await sendFile(req, res, file, { cache: /\.[0-9a-f]{8,}\./.test(p) ? 'public, max-age=31536000, immutable' : 'no-cache' }))) return;
      // A path with a file extension that does not exist is a real 404; everything else is a client route.
      if (path.posix.extname(p) && !p.endsWith('.html')) return sendText(res, 404, `not found: ${p}`);
      await sendFile(req, res, indexHtml, { cache: 'no-cache' });
    } catch (err) {
      if (!res.headersSent) sendText(res, 500, `viewer server error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    const onError = (err) => {
      server.removeListener('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new Error(`port ${port} on ${host} is already in use (set VIEWER_PORT to another port)`));
      else if (err.code === 'EACCES') reject(new Error(`no permission to listen on ${host}:${port}`));
      else reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`));
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const actualPort = server.address().port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${actualPort}`;
  log(`Viewer server at ${url} (DICOMweb proxied to ${upstreamBase.href})`);
  return {
    url,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
