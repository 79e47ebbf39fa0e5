import type { RetrainScheduleStatus } from '../../api/schedule';
import type { Library } from '../library';
import { newLabelCount } from './new-labels';
import { stateFor } from './retrain-scheduler';
import { nextSlot, planOf } from './slots';

/** The schedule as the window shows it: read from the library only, so any process can answer. */
export function retrainScheduleStatus(library: Library, now = library.clock()): RetrainScheduleStatus {
  const settings = library.settings.all();
  const plan = planOf(settings);
  const stored = library.retrainSchedule.read();
  return {
    schedule: settings.retrainSchedule,
    nextRun: plan ? nextSlot(plan, new Date(stateFor(stored, plan, now).since)).toISOString() : null,
    lastRun: stored?.lastRun ?? null,
    newLabels: newLabelCount(library),
    minNewLabels: settings.retrainMinNewLabels,
  };
}
