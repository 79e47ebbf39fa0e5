import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/api/jobs';
import { importFolders } from '../../src/main/importer/import-folders';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary } from '../../src/main/library';
import { ModelProcessPool } from '../../src/main/model/process/pool';
import { rankCurrent } from '../../src/main/triage/model-session';
import { servicesFor } from '../helpers/services';
import { modelWorkers } from '../helpers/model-workers';
import { HAM_FIXTURES, useTempDirs } from '../helpers/temp-dirs';

async function finished(events: JobEvent[], id: number): Promise<Extract<JobEvent, { type: 'finished' }>> {
  for (;;) {
    const event = events.find((e) => e.type === 'finished' && e.id === id);
    if (event?.type === 'finished') return event;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the model process host', () => {
  const tempDir = useTempDirs();

  it('reports a retraining whose model process crashed as failed, tells the host, and starts afresh', async () => {
    const library = openLibrary(path.join(tempDir(), 'library'));
    let models: ModelProcessPool | undefined;
    try {
      await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-1', actor: 'test' });
      const ids = library.db
        .prepare('SELECT id FROM images ORDER BY original_name')
        .pluck()
        .all() as number[];
      library.labels.add({ imageId: ids[0]!, melanoma: true, diagnosis: 'mel', labeledBy: 'test' });
      library.labels.add({ imageId: ids[1]!, melanoma: false, diagnosis: 'nv', labeledBy: 'test' });
      await rankCurrent(library);
      const activeBefore = library.models.active()?.version;
      expect(activeBefore).toBeDefined();
      const told: string[] = [];
      models = new ModelProcessPool({ onUnexpectedExit: (description) => told.push(description) });
      const events: JobEvent[] = [];
      const jobs = new JobRunner(servicesFor(library, { models }), (event) => events.push(event));

      const crashed = jobs.startRetrain();
      let victims: number[] = [];
      while (victims.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        victims = modelWorkers();
      }
      victims.forEach((pid) => process.kill(pid, 'SIGKILL'));
      const failure = await finished(events, crashed);
      expect(failure.outcome).toBe('failed');
      expect(failure.message).toContain('the model process stopped (killed by SIGKILL)');
      expect(failure.retrain).toBeUndefined();
      expect(told).toEqual(['killed by SIGKILL']);
      expect(library.models.active()?.version).toBe(activeBefore);

      const next = jobs.startRetrain();
      const success = await finished(events, next);
      expect(success.outcome, success.message).toBe('done');
      expect(success.retrain?.parent).toBe(activeBefore);
      expect(told).toHaveLength(1);
    } finally {
      models?.close();
      library.close();
    }
  }, 180_000);
});
