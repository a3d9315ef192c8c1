// Builds the OHIF runtime plugin as ES modules into build/ohif/ (served under /pvpi-plugin/ by our viewer server):
//   pvpi-extension.js    the OHIF extension (extensions/pvpi-planning), with its own React for our panels
//   pvpi-mode.js         the OHIF mode (modes/pvpi); finds pvpi-extension.js next to itself (import.meta.url)
//   pvpi-dose-worker.js  the dose engine Web Worker (src/dose/worker/browserWorker.ts), when that file exists
//   pvpi-segmentation-worker.js  the click-to-segment Web Worker (extensions/pvpi-planning/src/workers/segmentationWorker.ts)
//   pvpi-planning-worker.js  trajectory checks and auto-plan Web Worker (extensions/pvpi-planning/src/workers/planningWorker.ts)
// Each file is self-contained (no shared chunks), so an admin can copy the folder anywhere and list the URLs in
// app-config.js. Production mode and source maps by default; `npm run build:ohif -- --mode development` for dev.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = path.dirname(fileURLToPath(import.meta.url));
const doseWorkerEntry = path.join(root, 'src', 'dose', 'worker', 'browserWorker.ts');
const segmentationWorkerEntry = path.join(root, 'extensions', 'pvpi-planning', 'src', 'workers', 'segmentationWorker.ts');
const planningWorkerEntry = path.join(root, 'extensions', 'pvpi-planning', 'src', 'workers', 'planningWorker.ts');

/** Packages that belong to the host viewer: bundling a second copy would split Cornerstone/OHIF state. */
const HOST_ONLY = /^@(cornerstonejs|ohif)\//;

export default (_env, argv) => {
  const mode = argv?.mode ?? 'production';
  const entry = {
    'pvpi-extension': path.join(root, 'extensions', 'pvpi-planning', 'src', 'index.ts'),
    'pvpi-mode': path.join(root, 'modes', 'pvpi', 'src', 'index.ts'),
  };
  if (existsSync(doseWorkerEntry)) entry['pvpi-dose-worker'] = doseWorkerEntry;
  // Click-to-segment (src/segmentation) off the main thread; spawned by extensions/pvpi-planning/src/segmentation/workerClient.ts.
  entry['pvpi-segmentation-worker'] = segmentationWorkerEntry;
  // Trajectory checks/suggestions and automatic seed planning off the main thread; spawned by extensions/pvpi-planning/src/needles/planningClient.ts.
  entry['pvpi-planning-worker'] = planningWorkerEntry;

  return {
    mode,
    target: ['web', 'es2022'],
    entry,
    devtool: 'source-map',
    experiments: { outputModule: true },
    output: {
      path: path.join(root, 'build', 'ohif'),
      filename: '[name].js',
      chunkFilename: 'pvpi-[name].[contenthash:8].js',
      module: true,
      library: { type: 'module' },
      clean: true,
    },
    resolve: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
      // The planning core (src/) is imported with relative paths, which also resolve in an OHIF source build
      // that links these packages (webpack follows the symlink to this repository).
    },
    externals: [
      ({ request }, callback) => {
        if (request && HOST_ONLY.test(request)) {
          callback(
            new Error(
              `${request} must not be bundled: use the host's instance (extensions/pvpi-planning/src/host/cornerstoneHost.ts) or an \`import type\``,
            ),
          );
          return;
        }
        callback();
      },
    ],
    module: {
      parser: {
        javascript: {
          // Keep `import.meta.url` as the runtime URL of the bundle (the mode locates the extension with it),
          // and do not turn `new URL(…, import.meta.url)` / `new Worker(…)` into bundled assets.
          importMeta: false,
          url: false,
          worker: false,
        },
      },
      rules: [
        {
          test: /\.(ts|tsx|js|mjs)$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                target: 'es2022',
                parser: { syntax: 'typescript', tsx: true },
                transform: { react: { runtime: 'automatic', development: mode === 'development' } },
              },
              sourceMaps: true,
            },
          },
        },
      ],
    },
    plugins: [new webpack.DefinePlugin({ __PVPI_RUNTIME_BUNDLE__: 'true' })],
    optimization: {
      splitChunks: false,
      runtimeChunk: false,
    },
    performance: { hints: false },
    stats: 'errors-warnings',
  };
};
