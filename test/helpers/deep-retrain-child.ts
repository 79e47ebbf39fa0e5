/**
 * A deep retraining in a process of its own, for tests that kill it: `node --import tsx
 * deep-retrain-child.ts <data-dir> <resources>` retrains the library one short epoch on those resources
 * and prints the report as JSON on stdout. Each phase is announced on stderr as a `phase: <name>` line as it
 * starts, which the crash test reads (test/helpers/phase-kills.ts) to aim its kills inside a phase.
 */
import { openLibrary } from '../../src/main/library';
import { ModelProcess } from '../../src/main/model/process/host';
import { resourcePaths } from '../../src/main/resources';
import { retrainDeep } from '../../src/main/triage/deep-retrain';
import { currentModel, modelProcessConfig } from '../../src/main/triage/model-session';

async function main(): Promise<void> {
  const [dataDir, resourcesRoot] = process.argv.slice(2);
  if (!dataDir || !resourcesRoot) throw new Error('usage: deep-retrain-child.ts <data-dir> <resources>');
  const resources = resourcePaths(resourcesRoot);
  const library = openLibrary(dataDir);
  const modelProcess = new ModelProcess(
    modelProcessConfig(resources, 'wasm', currentModel(library, resources)),
  );
  try {
    const report = await retrainDeep(library, modelProcess, resources, {
      actor: 'test',
      onPhase: (phase) => void process.stderr.write(`phase: ${phase}\n`),
      recipe: { epochs: 1, patience: 1 },
    });
    process.stdout.write(JSON.stringify(report));
  } finally {
    modelProcess.close();
    library.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
