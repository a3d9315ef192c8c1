#!/usr/bin/env node
'use strict';
// Thin launcher for the `pvpi` CLI: runs the compiled planning core (npm ci / npm run build:core builds it).
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'build', 'core', 'cli', 'index.js');
if (!fs.existsSync(entry)) {
  console.error('pvpi: the planning core is not built yet; run `npm run build:core` (npm ci does it too).');
  process.exit(2);
}
require(entry).main(process.argv.slice(2)).then(
  (code) => process.exit(typeof code === 'number' ? code : 0),
  (err) => {
    console.error(`pvpi: ${err && err.message ? err.message : String(err)}`);
    process.exit(1);
  }
);
