// TypeScript for jest through @swc/jest, plus one line: module-local aliases of hot globals.
// Jest runs tests in a vm context whose global object answers every global lookup through an interceptor, so
// `Math.sqrt(x)` in a voxel loop costs ~100× what it costs in plain Node (measured: 2e7 calls 8 s vs 60 ms).
// Binding `Math` and `Number` once per module restores plain-Node speed; behaviour is unchanged.
const { createTransformer } = require('@swc/jest');

const ALIASES = 'const Math = globalThis.Math, Number = globalThis.Number;';

module.exports = {
  createTransformer(options) {
    const base = createTransformer(options);
    return {
      ...base,
      process(src, filename, jestOptions) {
        const out = base.process(src, filename, jestOptions);
        // Insert after the directive prologue on the first line so strict mode and line numbers are kept.
        const code = /^"use strict";/.test(out.code) ? out.code.replace(/^"use strict";/, `"use strict";${ALIASES}`) : out.code;
        return { ...out, code };
      },
      getCacheKey(...args) {
        return base.getCacheKey(...args) + ':hot-global-aliases-1';
      },
    };
  },
};
