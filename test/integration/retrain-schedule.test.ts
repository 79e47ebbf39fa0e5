import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledRetrainOutcome } from '../../src/api/schedule';
import { importFolders } from '../../src/main/importer/import-folders';
import type { JobFinished } from '../../src/api/jobs';
import { JobRunner } from '../../src/main/jobs/job-runner';
import { openLibrary, type Library } from '../../src/main/library';
import { RetrainScheduler } from '../../src/main/schedule/retrain-scheduler';
import { retrainScheduleStatus } from '../../src/main/schedule/status';
import { FakeClock } from '../helpers/fake-clock';
import { servicesFor } from '../helpers/services';
import { HAM_FIXTURES } from '../helpers/temp-dirs';

/**
 * The retraining schedule on a real library with the real job runner and model process; only the
 * clock is fake, moved by hand past due times and through a "sleep". One real retraining in all.
 */
/** Local wall-clock time on day `d` of January 2030. */
const day = (d: number, hour: number, minute = 0): Date => new Date(2030, 0, d, hour, minute);

let root = '';
let dataDir = '';
let library: Library;
let jobs: JobRunner;
let scheduler: RetrainScheduler;
const clock = new FakeClock(day(1, 14));
const reported: Array<{ at: string; outcome: ScheduledRetrainOutcome }> = [];
const finishedJobs: JobFinished[] = [];

function open(): void {
  library = openLibrary(dataDir);
  jobs = new JobRunner(servicesFor(library), (event) => {
    if (event.type === 'finished') finishedJobs.push(event);
  });
  scheduler = new RetrainScheduler(library, jobs, clock, { onOutcome: (run) => reported.push(run) });
}

function label(name: string, melanoma: boolean): void {
  const [imageId] = library.images.idsByName().get(name) ?? [];
  if (imageId === undefined) throw new Error(`no fixture image ${name}`);
  library.labels.add({ imageId, melanoma, labeledBy: 'dr-test' });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'triage-schedule-'));
  dataDir = path.join(root, 'library');
  open();
  await importFolders(library, { folders: [HAM_FIXTURES], patient: 'P-1', actor: 'test' });
}, 60_000);

afterAll(() => {
  scheduler?.stop();
  library?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('scheduled retraining', () => {
  it('does nothing while off, and counts from when a schedule is set rather than running at once', async () => {
    expect(await scheduler.tick()).toBeUndefined();
    expect(library.retrainSchedule.read()).toBeNull();
    expect(retrainScheduleStatus(library, clock.now()).nextRun).toBeNull();

    // Turned on at 14:00 for 02:00: today's 02:00 has passed, but it was not due while the schedule was off.
    library.settings.set('retrainSchedule', 'daily');
    library.settings.set('retrainTime', '02:00');
    library.settings.set('retrainMinNewLabels', 2);
    expect(await scheduler.tick()).toBeUndefined();
    expect(retrainScheduleStatus(library, clock.now())).toMatchObject({
      schedule: 'daily',
      nextRun: day(2, 2).toISOString(),
      lastRun: null,
      newLabels: 0,
      minNewLabels: 2,
    });
    clock.set(day(2, 1, 59));
    expect(await scheduler.tick()).toBeUndefined();
    expect(reported).toEqual([]);
  });

  it('skips a due run when too few images were labeled, records it, and waits for the next slot', async () => {
    label('ISIC_0024310', true);
    clock.set(day(2, 2, 0));
    const skipped = { kind: 'skipped', newLabels: 1, required: 2 };
    expect(await scheduler.tick()).toEqual(skipped);
    expect(reported).toEqual([{ at: day(2, 2).toISOString(), outcome: skipped }]);
    clock.set(day(2, 9));
    expect(await scheduler.tick()).toBeUndefined();
    expect(retrainScheduleStatus(library, clock.now())).toMatchObject({
      nextRun: day(3, 2).toISOString(),
      lastRun: { at: day(2, 2).toISOString(), outcome: skipped },
      newLabels: 1,
    });
    expect(library.trainingRuns.list()).toEqual([]);
  });

  it('ticks at once when started and on each timer tick, and not after stop()', async () => {
    const seen: string[] = [];
    const ticking = new RetrainScheduler(library, jobs, clock, { onOutcome: (run) => seen.push(run.at) });
    clock.set(day(3, 2, 5));
    ticking.start();
    // The skip needs no await: the tick at start has recorded it by now.
    expect(seen).toEqual([day(3, 2, 5).toISOString()]);
    clock.set(day(4, 2));
    expect(clock.fire()).toBe(1);
    await expect.poll(() => seen).toEqual([day(3, 2, 5).toISOString(), day(4, 2).toISOString()]);
    ticking.stop();
    expect(clock.fire()).toBe(0);
    // A stopped scheduler does not run even when due.
    clock.set(day(5, 2));
    expect(await ticking.tick()).toBeUndefined();
    expect(library.retrainSchedule.read()?.lastRun?.at).toBe(day(4, 2).toISOString());
  });

  it('after a sleep over several slots runs once, never beside another job, and reports the AUC change', async () => {
    label('ISIC_0024306', false);
    const modelsBefore = library.models.list().length;
    // Asleep from 02:00 on day 4 to 05:00 on day 7: the slots of days 5, 6 and 7 were missed.
    clock.set(day(7, 5));

    // A retraining the user started is running: the due slot waits instead of starting a second one.
    const manual = jobs.startRetrain();
    expect(await scheduler.tick()).toBeUndefined();
    expect(jobs.current()).toEqual({ id: manual, kind: 'retrain' });
    expect(jobs.cancel(manual)).toBe(true);
    expect(await jobs.finished(manual)).toMatchObject({ outcome: 'cancelled' });

    const run = scheduler.tick();
    const scheduled = jobs.current();
    expect(scheduled).toMatchObject({ kind: 'retrain' });
    expect(scheduled?.id).not.toBe(manual);
    // While it runs: another tick starts nothing, and neither can anyone else.
    expect(await scheduler.tick()).toBeUndefined();
    expect(() => jobs.startRetrain()).toThrow(/already running/);
    expect(library.retrainSchedule.read()?.lastRun).toEqual({ at: day(7, 5).toISOString(), outcome: null });
    expect(library.audit.list().filter((entry) => entry.actor === 'scheduler')).toMatchObject([
      {
        action: 'retrain.scheduled',
        subject: `job:${scheduled?.id}`,
        details: { newLabels: 2, plan: 'daily 02:00' },
      },
    ]);

    const outcome = await run;
    const job = finishedJobs.find((event) => event.id === scheduled?.id);
    expect(job?.outcome, job?.message).toBe('done');
    expect(outcome).toEqual({
      kind: job?.retrain?.promoted ? 'promoted' : 'rejected',
      candidate: job?.retrain?.candidate,
      parent: job?.retrain?.parent,
      candidateAuc: job?.retrain?.candidateAuc,
      activeAuc: job?.retrain?.activeAuc,
    });
    expect(outcome).toMatchObject({ candidateAuc: expect.any(Number), activeAuc: expect.any(Number) });
    // The shipped default became the library's first model; the retraining added one candidate.
    expect(library.models.list()).toHaveLength(Math.max(modelsBefore, 1) + 1);
    expect(reported.at(-1)).toEqual({ at: day(7, 5).toISOString(), outcome });

    // Once, not once per missed slot.
    expect(await scheduler.tick()).toBeUndefined();
    clock.set(day(7, 23, 59));
    expect(await scheduler.tick()).toBeUndefined();
    expect(finishedJobs.filter((event) => event.kind === 'retrain')).toHaveLength(2);
    expect(retrainScheduleStatus(library, clock.now())).toMatchObject({
      nextRun: day(8, 2).toISOString(),
      lastRun: { at: day(7, 5).toISOString(), outcome },
      // The candidate saw both labels, promoted or not.
      newLabels: 0,
    });
  }, 300_000);

  it('keeps its state through closing and reopening the library', async () => {
    const before = library.retrainSchedule.read();
    scheduler.stop();
    library.close();
    open();
    expect(library.retrainSchedule.read()).toEqual(before);
    expect(await scheduler.tick()).toBeUndefined();
    clock.set(day(8, 2, 1));
    // Due again, but no image was labeled since the last retraining.
    expect(await scheduler.tick()).toEqual({ kind: 'skipped', newLabels: 0, required: 2 });
  });

  it('counts afresh from a changed schedule, and from a weekly one on its weekday', async () => {
    clock.set(day(8, 12));
    library.settings.set('retrainTime', '13:00');
    expect(retrainScheduleStatus(library, clock.now()).nextRun).toBe(day(8, 13).toISOString());
    library.settings.set('retrainSchedule', 'weekly');
    library.settings.set('retrainWeekday', 'friday');
    // 8 January 2030 is a Tuesday.
    expect(retrainScheduleStatus(library, clock.now()).nextRun).toBe(day(11, 13).toISOString());
    expect(await scheduler.tick()).toBeUndefined();
    clock.set(day(11, 13));
    expect(await scheduler.tick()).toEqual({ kind: 'skipped', newLabels: 0, required: 2 });
    expect(retrainScheduleStatus(library, clock.now()).nextRun).toBe(day(18, 13).toISOString());
  });

  it('runs a deep retraining when the schedule is set to train the top of the network too', async () => {
    library.settings.set('retrainDepth', 'deep');
    label('ISIC_0024307', true);
    label('ISIC_0024308', false);
    clock.set(day(18, 13));
    const run = scheduler.tick();
    const scheduled = jobs.current();
    expect(scheduled).toMatchObject({ kind: 'retrain' });
    await expect
      .poll(() => library.trainingRuns.list(1)[0], { timeout: 60_000 })
      .toMatchObject({
        kind: 'deep',
        status: 'running',
      });
    // Started, it is the job runner's like any other: cancelled, it leaves the model as it was.
    const active = library.models.active()?.version;
    expect(jobs.cancel(scheduled!.id)).toBe(true);
    expect(await run).toMatchObject({ kind: 'cancelled' });
    expect(library.trainingRuns.list(1)[0]).toMatchObject({ kind: 'deep', status: 'cancelled' });
    expect(library.models.active()?.version).toBe(active);
  }, 120_000);
});
