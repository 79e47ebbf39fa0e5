/**
 * The layering of src/, checked (npm run lint runs this): reads the imports of every file under src/ with
 * the TypeScript parser and prints one line per import that breaks a rule, exiting 1 if there is any.
 *
 *   node --import tsx tools/check-layers.ts [root]
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ELECTRON_FILES } from './layers.cjs';

/**
 * The layers of src/main, bottom to top, as rungs of modules. A module (a folder or a file of src/main)
 * may import itself and any module on a lower rung; modules on one rung are siblings and import neither
 * each other nor anything above. Why this order: each rung is what the rungs above it are built from and
 * knows nothing of who calls it. The library is the single source of truth every step reads and writes;
 * photographs reach it through imaging and the importer, the model turns them into scores, triage ties
 * the model to the library (ranking, retraining, promotion), the services are the user's actions over
 * those, jobs and the schedule run services over time, and the adapters only translate (IPC, CLI).
 *
 * - shared leaves: the app log and the paths of what ships, used from every rung, importing nothing of ours.
 * - library: the SQLite library, the single source of truth, on which everything else stands.
 * - imaging: decoding and hashing photographs; it names library's image formats.
 * - model and importer: the network, its training, the registry of models and the model processes; the
 *   folder scan and its reports. Both write the library; neither knows the other.
 * - triage: ranking, retraining, explanations, in terms of the model and the library.
 * - services: the application's operations over library, importer, triage and model, one for the app and
 *   the CLI alike.
 * - jobs: the app's one-at-a-time runner of long work; each job is a call into the services, so it sits
 *   above them.
 * - schedule: the nightly retraining, which starts jobs on the runner.
 * - adapters: the API handler table and the CLI, each a thin call into the rungs below; ipc serves the
 *   handler table to the window (with window.ts, image-protocol.ts, model-host.ts, the other Electron-side
 *   pieces); index.ts, the app's composition root, builds them all.
 */
export const MAIN_LAYERS: readonly (readonly string[])[] = [
  ['log', 'resources'],
  ['library'],
  ['imaging'],
  ['model', 'importer'],
  ['triage'],
  ['services'],
  ['jobs'],
  ['schedule'],
  ['api-handlers', 'cli', 'ipc-caller', 'image-protocol', 'model-host', 'window'],
  ['ipc'],
  ['index'],
];

/**
 * The layers inside src/main/model, bottom to top (names as in src/main/model/README.md):
 * - network: the backbone and what runs it (pre-processing, backends, the top, its file, activations,
 *   the head's forward pass, heatmaps): what computes an embedding or a score.
 * - training: what changes weights and judges them: the head, fine-tuning the top (the deep job and
 *   its activation files), metrics, thresholds, splits, augmented copies.
 * - artifacts: what is stored: model.json and its schema, the registry of versions, training sets.
 * - process: the model processes (protocol, worker, host, pool), which run all of the above.
 */
export const MODEL_LAYERS: readonly string[] = ['network', 'training', 'artifacts', 'process'];

/** Whether import cycles among src/main files fail the check (they are always printed). */
export const CYCLES_FAIL = true;

export interface Violation {
  /** The importing file, relative to the root, with forward slashes. */
  file: string;
  /** The import as written. */
  specifier: string;
  rule: string;
}

export interface LayerReport {
  violations: Violation[];
  /** Each import cycle among src/main files, as the files around it (relative to the root). */
  cycles: string[][];
}

interface ImportRef {
  specifier: string;
  /** The imported file relative to the root (forward slashes), or undefined for a package. */
  target: string | undefined;
  typeOnly: boolean;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.cjs', '.mjs', '.json'];
const RESOLVE_INDEXES = ['/index.ts', '/index.tsx', '/index.js'];

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return entry.isFile() && SOURCE.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** Every module a file names: import and export-from, import = require, require(), import(), import types. */
export function importsOf(fileName: string, text: string): { specifier: string; typeOnly: boolean }[] {
  const kind = /\.tsx$|\.jsx$/.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && arg && ts.isStringLiteralLike(arg)) {
        found.push({ specifier: arg.text, typeOnly: false });
      }
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names (as TypeScript and Vite find it), relative to root. */
function resolveRelative(root: string, fromFile: string, specifier: string): string {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [
    ...RESOLVE_SUFFIXES.map((s) => base + s),
    ...(/\.(c|m)?js$/.test(base) ? [base.replace(/\.(c|m)?js$/, '.ts'), base.replace(/\.js$/, '.tsx')] : []),
    ...RESOLVE_INDEXES.map((s) => base + s),
  ];
  const hit = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  // An import of a file that is not there is the compiler's to report; classify it by the name it gives.
  return toPosix(path.relative(root, hit ?? `${base}.ts`));
}

function matchesElectronFile(file: string): boolean {
  return ELECTRON_FILES.some((pattern) =>
    pattern.endsWith('/**') ? file.startsWith(pattern.slice(0, -2)) : file === pattern,
  );
}

/** The area of src/ a file is in: api, preload, renderer or main; undefined outside src/. */
function areaOf(file: string): 'api' | 'preload' | 'renderer' | 'main' | 'other' | undefined {
  const m = /^src\/([^/]+)\//.exec(file);
  if (!m) return file.startsWith('src/') ? 'other' : undefined;
  const area = m[1];
  return area === 'api' || area === 'preload' || area === 'renderer' || area === 'main' ? area : 'other';
}

/** The module of src/main a file belongs to: its top folder, or its own name for a top-level file. */
function mainModuleOf(file: string): string {
  const rest = file.slice('src/main/'.length);
  const slash = rest.indexOf('/');
  return slash >= 0 ? rest.slice(0, slash) : rest.replace(/(\.d)?\.(ts|tsx|mts|cts|js|cjs|mjs)$/, '');
}

const RUNG_OF = new Map<string, number>(MAIN_LAYERS.flatMap((rung, i) => rung.map((m) => [m, i] as const)));

function rungName(i: number): string {
  return (MAIN_LAYERS[i] ?? []).join('/');
}

/** The layer of src/main/model a file is in ('' for a file directly in model/, which has none). */
function modelLayerOf(file: string): string | undefined {
  const m = /^src\/main\/model\/(?:([^/]+)\/)?[^/]+$/.exec(file) ?? /^src\/main\/model\/([^/]+)\//.exec(file);
  return m ? (m[1] ?? '') : undefined;
}

function modelLayerRule(file: string, target: string): string | undefined {
  const from = modelLayerOf(file);
  const to = modelLayerOf(target);
  if (from === undefined || to === undefined || from === to) return undefined;
  if (MODEL_LAYERS.indexOf(to) > MODEL_LAYERS.indexOf(from)) {
    return `layers of src/main/model: ${from} may not import ${to}, a higher layer (${MODEL_LAYERS.join(' < ')})`;
  }
  return undefined;
}

function mainLayerRule(file: string, target: string): string | undefined {
  const from = mainModuleOf(file);
  const to = mainModuleOf(target);
  if (from === to) return from === 'model' ? modelLayerRule(file, target) : undefined;
  const fromRung = RUNG_OF.get(from);
  const toRung = RUNG_OF.get(to);
  // A module missing from the table is reported once, for each of its files.
  if (fromRung === undefined || toRung === undefined) return undefined;
  if (toRung > fromRung) {
    return `layers of src/main: ${from} (rung ${fromRung}, ${rungName(fromRung)}) may not import ${to} (rung ${toRung}, ${rungName(toRung)}), a higher layer`;
  }
  if (toRung === fromRung) {
    return `layers of src/main: ${from} and ${to} are siblings on rung ${fromRung} (${rungName(fromRung)}) and may not import each other`;
  }
  return undefined;
}

/** The rules one import of one file breaks (usually none). */
function rulesBroken(file: string, ref: ImportRef): string[] {
  const broken: string[] = [];
  const area = areaOf(file);
  if ((ref.specifier === 'electron' || ref.specifier.startsWith('electron/')) && !matchesElectronFile(file)) {
    broken.push('electron: only the files listed in tools/layers.cjs may import electron');
  }
  if (ref.target === undefined) return broken;
  const targetArea = areaOf(ref.target);
  if (targetArea === undefined) return broken;
  if (area === 'api' && targetArea !== 'api') {
    broken.push('api: the contract is the bottom layer and imports nothing else of src/');
  }
  if (area === 'main' && (targetArea === 'renderer' || targetArea === 'preload')) {
    broken.push(`main: src/main may not import the ${targetArea}`);
  }
  if (area === 'renderer' && targetArea !== 'renderer' && targetArea !== 'api') {
    broken.push('renderer: the renderer may import only itself, src/api (the contract) and npm packages');
  }
  if (area === 'preload' && targetArea !== 'preload' && targetArea !== 'api') {
    broken.push('preload: the preload may import only itself, src/api (the contract) and npm packages');
  }
  if (area === 'main' && targetArea === 'main') {
    const rule = mainLayerRule(file, ref.target);
    if (rule) broken.push(rule);
  }
  return broken;
}

/** The import cycles among src/main files (each strongly connected group, as one cycle through it). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components, iteratively for deep graphs.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.node);
        const selfLoop = (graph.get(frame.node) ?? []).includes(frame.node);
        if (group.length > 1 || selfLoop) groups.push(group);
      }
    }
  }
  // Name each group by one cycle through it: from its first file (sorted), the shortest way back.
  return groups.map((group) => {
    const members = new Set(group);
    const first = [...group].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [first];
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      for (const to of graph.get(node) ?? []) {
        if (!members.has(to)) continue;
        if (to === first) {
          const cycle = [node];
          while (cycle[0] !== first) cycle.unshift(previous.get(cycle[0]!)!);
          return cycle;
        }
        if (!previous.has(to)) {
          previous.set(to, node);
          queue.push(to);
        }
      }
    }
    return [first];
  });
}

/** Checks the imports of every file under root/src against the rules above. */
export function checkLayers(root: string): LayerReport {
  const violations: Violation[] = [];
  const mainGraph = new Map<string, string[]>();
  for (const full of sourceFiles(path.join(root, 'src'))) {
    const file = toPosix(path.relative(root, full));
    const refs: ImportRef[] = importsOf(full, fs.readFileSync(full, 'utf8')).map((i) => ({
      ...i,
      target: i.specifier.startsWith('.') ? resolveRelative(root, full, i.specifier) : undefined,
    }));
    if (areaOf(file) === 'main') {
      mainGraph.set(
        file,
        // Type-only imports vanish from the built code, so they make no cycle at run time.
        refs.filter((r) => !r.typeOnly && r.target?.startsWith('src/main/')).map((r) => r.target!),
      );
      const module = mainModuleOf(file);
      const modelLayer = modelLayerOf(file);
      if (modelLayer !== undefined && !MODEL_LAYERS.includes(modelLayer)) {
        violations.push({
          file,
          specifier: '',
          rule: `src/main/model/${modelLayer || '(top level)'} is in no layer of MODEL_LAYERS (tools/check-layers.ts)`,
        });
      }
      if (!RUNG_OF.has(module)) {
        violations.push({
          file,
          specifier: '',
          rule: `src/main/${module} is in no layer of MAIN_LAYERS (tools/check-layers.ts)`,
        });
      }
    }
    for (const ref of refs) {
      for (const rule of rulesBroken(file, ref)) violations.push({ file, specifier: ref.specifier, rule });
    }
  }
  return { violations, cycles: cyclesOf(mainGraph) };
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? process.cwd());
  const { violations, cycles } = checkLayers(root);
  for (const v of violations) {
    console.error(`${v.file}: ${v.specifier ? `import '${v.specifier}'` : '(file)'}: ${v.rule}`);
  }
  for (const cycle of cycles) {
    console.error(`${cycle[0]}: import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  }
  const failed = violations.length > 0 || (CYCLES_FAIL && cycles.length > 0);
  if (failed) {
    console.error(
      `check-layers: ${violations.length} violation(s), ${cycles.length} import cycle(s) among src/main files`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) main();
