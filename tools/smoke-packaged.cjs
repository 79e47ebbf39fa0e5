#!/usr/bin/env node
'use strict';
// Smoke test of a packed app (electron-builder's *-unpacked / mac folder), run by the release workflow
// on each OS: the resources are where src/main/resources.ts looks, and the packaged Electron itself
// (as Node, ELECTRON_RUN_AS_NODE) loads better-sqlite3 and sharp from the asar: a better-sqlite3 built
// for Node instead of Electron fails here with a NODE_MODULE_VERSION error.
// Usage: node tools/smoke-packaged.cjs <release/<version>/linux-unpacked|win-unpacked|mac|mac-arm64>
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.argv[2] ?? '');
const app = fs.readdirSync(dir).find((name) => name.endsWith('.app'));
const resources = app ? path.join(dir, app, 'Contents', 'Resources') : path.join(dir, 'resources');
const executable = app
  ? path.join(dir, app, 'Contents', 'MacOS', path.basename(app, '.app'))
  : path.join(
      dir,
      fs.readdirSync(dir).find((name) => /^melanoma-triage(\.exe)?$|^Melanoma Triage\.exe$/.test(name)) ?? '',
    );

const required = [
  'app.asar',
  'resources/backbone/mobilenet_v2/model.json',
  'resources/models/default/model.json',
  'resources/training/ham10000/index.json',
  'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
];
for (const file of required) {
  if (!fs.existsSync(path.join(resources, file))) throw new Error(`missing from the package: ${file}`);
}

const asar = path.join(resources, 'app.asar');
const probe = `
  const Database = require(${JSON.stringify(path.join(asar, 'node_modules', 'better-sqlite3'))});
  const row = new Database(':memory:').prepare('select sqlite_version() as v').get();
  const sharp = require(${JSON.stringify(path.join(asar, 'node_modules', 'sharp'))});
  sharp({ create: { width: 2, height: 2, channels: 3, background: '#804020' } }).png().toBuffer()
    .then((png) => console.log('sqlite ' + row.v + ', sharp png ' + png.length + ' bytes, abi ' + process.versions.modules));
`;
const output = execFileSync(executable, ['-e', probe], {
  env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  encoding: 'utf8',
});
console.log(`${path.basename(dir)}: ${output.trim()}`);
