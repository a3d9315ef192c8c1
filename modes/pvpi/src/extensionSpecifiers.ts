import { EXTENSION_ID } from '@pvpi/extension-pvpi-planning/src/id';

/**
 * Set to `true` by our webpack build (DefinePlugin) for the runtime ES-module bundle; undefined when OHIF's own
 * webpack compiles this source in a source build (pluginConfig.json).
 */
declare const __PVPI_RUNTIME_BUNDLE__: boolean | undefined;

/** File name of the extension bundle, next to the mode bundle (see webpack.config.mjs). */
export const EXTENSION_BUNDLE_FILE = 'pvpi-extension.js';

/**
 * What OHIF must `import()` to get our extension when this mode's route opens. OHIF passes every key of a
 * mode's `extensions` to its module loader: built-in names resolve inside the OHIF bundle; anything else goes
 * to a dynamic `import()`. So:
 *   - runtime bundle: the URL of pvpi-extension.js next to this mode bundle (whatever path the admin serves
 *     them under), computed from `import.meta.url`;
 *   - OHIF source build: the package name, which OHIF's generated plugin imports resolve.
 */
export function pvpiExtensionSpecifier(): string {
  if (typeof __PVPI_RUNTIME_BUNDLE__ !== 'undefined' && __PVPI_RUNTIME_BUNDLE__) {
    const file = EXTENSION_BUNDLE_FILE; // a variable, so webpack does not treat this as an asset reference
    return new URL(file, import.meta.url).href;
  }
  return EXTENSION_ID;
}
