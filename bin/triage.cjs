#!/usr/bin/env node
'use strict';
// The `triage` command. In a source checkout it runs the TypeScript sources through tsx, so it is never
// stale; an installed build runs the bundle electron-vite wrote to out/main/cli.js.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'main', 'cli', 'index.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs/api').register();
  cli = require(source);
} else {
  cli = require(path.join(root, 'out', 'main', 'cli.js'));
}
cli.runCli(process.argv).then((code) => {
  process.exitCode = code;
});
