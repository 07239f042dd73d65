#!/usr/bin/env node
// The `nx-bake` command. Committed rather than built, so that npm can link it before dist/ exists: in a
// fresh clone, `npm install` links the workspace's bins first and runs `prepare` (the build) after.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`nx-bake: not built yet: ${main} is missing (run \`npm run build\` in the repository)\n`);
  process.exit(1);
}
require(main);
