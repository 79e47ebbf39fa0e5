import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers } from '../../tools/check-layers';
import { useTempDirs } from '../helpers/temp-dirs';

const tempDir = useTempDirs();
const REPO = path.resolve(__dirname, '..', '..');

/** A fake repository: each key a path under it, each value the file's text. */
function plantTree(files: Record<string, string>): string {
  const root = tempDir('triage-layers-');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** Each violation as "file: import: the rule's first word(s)", sorted, for exact comparison. */
function summary(root: string): string[] {
  return checkLayers(root)
    .violations.map((v) => `${v.file}: ${v.specifier}: ${v.rule.split(':')[0]}`)
    .sort();
}

const CLEAN = {
  'src/api/contract.ts': "import { z } from 'zod';\nexport const Id = z.number();\n",
  'src/main/library/index.ts': "import Database from 'better-sqlite3';\nexport const db = Database;\n",
  'src/main/library/errors.ts': 'export class LibraryError extends Error {}\n',
  'src/main/services/labeling.ts':
    "import { db } from '../library';\nimport type { Id } from '../../api/contract';\nexport const s = db;\n",
  'src/main/index.ts': "import { app } from 'electron';\nimport { s } from './services/labeling';\n",
  'src/preload/index.ts': "import { contextBridge } from 'electron';\nimport '../api/contract';\n",
  'src/renderer/App.tsx':
    "import { Button } from '@mui/material';\nimport type { Id } from '../api/contract';\nexport const App = () => <Button />;\n",
};

describe('the layer check', () => {
  it('passes a clean tree', () => {
    expect(checkLayers(plantTree(CLEAN))).toEqual({ violations: [], cycles: [] });
  });

  it('reports each planted violation, once, naming file, import and rule', () => {
    const root = plantTree({
      ...CLEAN,
      // The renderer reaching into main, a core module importing Electron, the library importing a service.
      'src/renderer/queue/Queue.tsx': "import { db } from '../../main/library';\nexport const q = db;\n",
      'src/main/triage/ranking.ts': "import { app } from 'electron';\nexport const r = app;\n",
      'src/main/library/labels.ts': "import { s } from '../services/labeling';\nexport const l = s;\n",
      // The same rules through other forms of import.
      'src/main/imaging/thumbs.ts':
        "export async function f() {\n  return import('../jobs/job-runner');\n}\nconst e = require('electron/main');\n",
      'src/main/library/audit.ts': "export * from '../cli/program';\n",
      'src/api/labels.ts': "import type { db } from '../main/library';\n",
      'src/main/cli/program.ts': "import { App } from '../../renderer/App';\nexport const p = App;\n",
      'src/preload/extra.ts': "import { db } from '../main/library';\n",
      // Siblings on one rung, and a folder the table does not place.
      'src/main/importer/scan.ts': "import { m } from '../model/network/net';\n",
      'src/main/model/network/net.ts': 'export const m = 1;\n',
      // Inside the model: the network reaching up into training, and a file outside its layers.
      'src/main/model/network/backbone.ts': "import { h } from '../training/head';\nexport const b = h;\n",
      'src/main/model/training/head.ts': "import { m } from '../network/net';\nexport const h = m;\n",
      'src/main/model/loose.ts': 'export const l = 1;\n',
      'src/main/gadgets/thing.ts': "import { db } from '../library';\n",
    });
    expect(summary(root)).toEqual([
      'src/api/labels.ts: ../main/library: api',
      'src/main/cli/program.ts: ../../renderer/App: main',
      'src/main/gadgets/thing.ts: : src/main/gadgets is in no layer of MAIN_LAYERS (tools/check-layers.ts)',
      'src/main/imaging/thumbs.ts: ../jobs/job-runner: layers of src/main',
      'src/main/imaging/thumbs.ts: electron/main: electron',
      'src/main/importer/scan.ts: ../model/network/net: layers of src/main',
      'src/main/library/audit.ts: ../cli/program: layers of src/main',
      'src/main/library/labels.ts: ../services/labeling: layers of src/main',
      'src/main/model/loose.ts: : src/main/model/(top level) is in no layer of MODEL_LAYERS (tools/check-layers.ts)',
      'src/main/model/network/backbone.ts: ../training/head: layers of src/main/model',
      'src/main/triage/ranking.ts: electron: electron',
      'src/preload/extra.ts: ../main/library: preload',
      'src/renderer/queue/Queue.tsx: ../../main/library: renderer',
    ]);
    const rules = checkLayers(root).violations.map((v) => v.rule);
    expect(rules).toContain(
      'layers of src/main: library (rung 1, library) may not import services (rung 5, services), a higher layer',
    );
    expect(rules).toContain(
      'layers of src/main: importer and model are siblings on rung 3 (model/importer) and may not import each other',
    );
    expect(rules).toContain(
      'layers of src/main/model: network may not import training, a higher layer (network < training < artifacts < process)',
    );
  });

  it('reports import cycles among src/main files, but not through type-only imports', () => {
    const root = plantTree({
      ...CLEAN,
      'src/main/model/network/backbone.ts': "import { d } from './dihedral';\nexport const b = 1;\n",
      'src/main/model/network/dihedral.ts': "import { t } from './top';\nexport const d = 1;\n",
      'src/main/model/network/top.ts': "import { b } from './backbone';\nexport const t = 1;\n",
      'src/main/triage/a.ts': "import type { B } from './b';\nexport type A = 1;\n",
      'src/main/triage/b.ts': "import { type A } from './a';\nexport type B = 1;\n",
    });
    expect(checkLayers(root)).toEqual({
      violations: [],
      cycles: [
        [
          'src/main/model/network/backbone.ts',
          'src/main/model/network/dihedral.ts',
          'src/main/model/network/top.ts',
        ],
      ],
    });
  });

  it('passes the real tree, with no import cycle among src/main files', () => {
    const report = checkLayers(REPO);
    expect(report.violations).toEqual([]);
    expect(report.cycles).toEqual([]);
  });
});
