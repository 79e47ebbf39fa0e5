/**
 * Follows one job at a time through its events. Events are recorded from the moment the component
 * mounts, not from when the job's id comes back: a short job can finish before its start call
 * resolves, and its outcome must not be lost.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobEvent, JobFinished, JobProgress } from '../api/jobs';

export type { JobFinished, JobProgress };

/** Events kept: enough for any job's progress, bounded however long the window stays open. */
const KEEP = 2000;

export function useJob(onFinished: (event: JobFinished) => void): {
  jobId: number | null;
  running: boolean;
  progress: JobProgress[];
  finished: JobFinished | null;
  follow: (jobId: number) => void;
} {
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [jobId, setJobId] = useState<number | null>(null);
  const reported = useRef<number | null>(null);

  useEffect(() => window.api?.onJobEvent((event) => setEvents((list) => [...list.slice(-KEEP), event])), []);

  const mine = jobId === null ? [] : events.filter((e) => e.id === jobId);
  const finished = (mine.find((e) => e.type === 'finished') as JobFinished | undefined) ?? null;
  useEffect(() => {
    if (finished && reported.current !== finished.id) {
      reported.current = finished.id;
      onFinished(finished);
    }
  }, [finished, onFinished]);

  const follow = useCallback((id: number) => setJobId(id), []);
  return {
    jobId,
    running: jobId !== null && finished === null,
    progress: mine.filter((e): e is JobProgress => e.type === 'progress'),
    finished,
    follow,
  };
}
