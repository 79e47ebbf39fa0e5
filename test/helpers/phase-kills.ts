/**
 * Kills aimed inside a named phase of a child that announces its phases on stderr as `phase: <name>` lines
 * (`triage retrain`, deep-retrain-child.ts), and proof of where each kill landed.
 *
 * A kill timed as a fraction of a whole run can land after the child finished; here the timer starts when
 * the child announces the target phase, and a kill counts only when the child was provably still in that
 * phase when the signal went out.
 */
import type { ChildProcess } from 'node:child_process';
import { createRandom } from '../../src/main/model/training/random';

/**
 * Phases shorter than this are not aimed at. A kill lands between 15 % and 85 % of the measured duration, so a
 * 250 ms phase leaves at least 37 ms on either side: room for the timer firing late and for the phase line
 * reaching this process late on a loaded two-core machine (the lateness is reported with every kill; under a
 * load average of 2–7 it measured 0–3 ms), and for the phase being somewhat shorter than in the measured run.
 * Measured that way the head retraining's storing (40–140 ms) and promoting (7–240 ms) phases and the deep
 * retraining's embedding (12–100 ms) and storing (59–200 ms) phases are too short to aim inside reliably.
 */
export const MIN_AIMED_PHASE_MS = 250;
/** Where in its phase a kill is placed, as fractions of the phase's measured duration. */
export const KILL_FRACTIONS = { from: 0.15, to: 0.85 } as const;

const PHASE_LINE = /^phase: (\S+)\s*$/;

export interface PhaseMark {
  phase: string;
  /** ms after the child was spawned (as seen by this process). */
  at: number;
}

/** A child whose phase announcements, report (its first stdout output) and exit are timed as they arrive. */
export interface WatchedChild {
  child: ChildProcess;
  /** Every `phase: X` line so far, in order. */
  marks: PhaseMark[];
  /** When the first stdout output arrived: the child's report, written once its work is done. */
  reportedAt: number | null;
  exitedAt: number | null;
  /** The signal that ended the child, once it has exited by one. */
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms since spawn. */
  now(): number;
  lastPhase(): string | null;
  /** Calls back on each phase line as it arrives. */
  onPhase(listener: (mark: PhaseMark) => void): void;
  /** Resolves once the child has exited and its output is all read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Reads a just-spawned child's stderr line by line, timing each phase announcement. */
export function watchPhases(child: ChildProcess): WatchedChild {
  const started = performance.now();
  const listeners: Array<(mark: PhaseMark) => void> = [];
  let pending = '';
  const watched: WatchedChild = {
    child,
    marks: [],
    reportedAt: null,
    exitedAt: null,
    exitSignal: null,
    stdout: '',
    stderr: '',
    now: () => performance.now() - started,
    lastPhase: () => watched.marks.at(-1)?.phase ?? null,
    onPhase: (listener) => void listeners.push(listener),
    closed: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    watched.reportedAt ??= watched.now();
    watched.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    watched.stderr += text;
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const match = PHASE_LINE.exec(line);
      if (!match) continue;
      const mark = { phase: match[1] as string, at: watched.now() };
      watched.marks.push(mark);
      for (const listener of listeners) listener(mark);
    }
  });
  child.on('exit', (_code, signal) => {
    watched.exitedAt = watched.now();
    watched.exitSignal = signal;
  });
  return watched;
}

/**
 * How long each announced phase lasted: from its announcement to the next one, the last phase to the
 * report or the exit, whichever came first (after the report the child only closes its model processes,
 * 0.4–1 s in the deep retraining, which is no phase's work). A phase that was still going when a signal
 * ended the child is left out: it never ended.
 */
export function phaseDurations(run: WatchedChild): Map<string, number> {
  const durations = new Map<string, number>();
  run.marks.forEach((mark, i) => {
    const last = i === run.marks.length - 1;
    const end =
      run.marks[i + 1]?.at ?? (last ? (run.reportedAt ?? (run.exitSignal ? null : run.exitedAt)) : null);
    if (end !== null) durations.set(mark.phase, end - mark.at);
  });
  return durations;
}

/** Formats durations for messages and logs: `embedding 3104 ms, training 3984 ms, …`. */
export function describeDurations(durations: Map<string, number>): string {
  return [...durations].map(([phase, ms]) => `${phase} ${ms.toFixed(0)} ms`).join(', ');
}

export interface KillPlan {
  /** 0-based. */
  index: number;
  phase: string;
  /** Where in the phase, as a fraction of its duration. */
  fraction: number;
}

/**
 * One kill per index, each in a phase at least MIN_AIMED_PHASE_MS long in `measured` (in the order they ran,
 * cycling, so kills spread over the phases), at a fraction of it drawn from `seed`: the same plan every run
 * for the same phases.
 */
export function planKills(measured: Map<string, number>, kills: number, seed: number): KillPlan[] {
  const aimed = [...measured].filter(([, ms]) => ms >= MIN_AIMED_PHASE_MS).map(([phase]) => phase);
  if (aimed.length === 0) {
    throw new Error(
      `no phase lasts ${MIN_AIMED_PHASE_MS} ms or more to aim a kill inside: ${describeDurations(measured)}`,
    );
  }
  const random = createRandom(seed);
  return Array.from({ length: kills }, (_, index) => ({
    index,
    phase: aimed[index % aimed.length] as string,
    fraction: KILL_FRACTIONS.from + random.next() * (KILL_FRACTIONS.to - KILL_FRACTIONS.from),
  }));
}

/** One child killed (or not) as planned. */
export interface KillAttempt {
  phase: string;
  /** The planned delay after the phase's announcement, ms. */
  offsetMs: number;
  /** How late the timer fired after the planned delay, ms; null when it never fired. */
  lateMs: number | null;
  /** Whether the child had not exited when the signal was sent; false too when it was never sent. */
  alive: boolean;
  /** The last phase announced when the signal was sent. */
  phaseAtKill: string | null;
  /** Killed by this signal, in the target phase, with no later phase line and no report found afterwards. */
  landed: boolean;
  /** How long the target phase lasted in this child, when it ended before the kill. */
  observedMs: number | null;
  /** The phases this child announced, with their arrival times, for messages. */
  marks: PhaseMark[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
}

/** What was seen at the moment the signal was sent. */
interface SentKill {
  alive: boolean;
  phaseAtKill: string | null;
  lateMs: number;
  /** How many phase lines had arrived. */
  marks: number;
}

/**
 * SIGKILLs `run`'s child `offsetMs` after it announces `phase`, and tells whether the kill landed there.
 * What arrives after the signal (a later phase line, the report) was written before it, so those are read
 * to the end before a kill counts; the exit signal proves the kill, not a normal end, stopped the child.
 * A child that never announces the phase runs to its end.
 */
export async function killInPhase(run: WatchedChild, phase: string, offsetMs: number): Promise<KillAttempt> {
  let sent: SentKill | null = null;
  let timer: NodeJS.Timeout | undefined;
  run.onPhase((mark) => {
    if (mark.phase !== phase || timer) return;
    const due = mark.at + offsetMs;
    timer = setTimeout(() => {
      sent = {
        alive: run.exitedAt === null,
        phaseAtKill: run.lastPhase(),
        lateMs: run.now() - due,
        marks: run.marks.length,
      };
      run.child.kill('SIGKILL');
    }, offsetMs);
  });
  const exit = await run.closed;
  clearTimeout(timer);
  // Set in the timer, which TypeScript's narrowing of `sent` to null does not see.
  const kill = sent as SentKill | null;
  const landed =
    kill !== null &&
    kill.alive &&
    kill.phaseAtKill === phase &&
    exit.signal === 'SIGKILL' &&
    run.marks.length === kill.marks &&
    run.reportedAt === null;
  const observed = landed ? undefined : phaseDurations(run).get(phase);
  return {
    phase,
    offsetMs,
    lateMs: kill?.lateMs ?? null,
    alive: kill?.alive ?? false,
    phaseAtKill: kill?.phaseAtKill ?? null,
    landed,
    observedMs: observed ?? null,
    marks: [...run.marks],
    exit,
  };
}

/** A planned kill with every child it took. */
export interface KillRecord {
  plan: KillPlan;
  attempts: KillAttempt[];
  landed: boolean;
}

export interface AimedKillOptions {
  plan: KillPlan;
  /** The target phase's measured duration, ms. */
  measuredMs: number;
  maxAttempts: number;
  /** Readies the library for a child (called before each). */
  prepare?: () => void | Promise<void>;
  spawn: () => ChildProcess;
  /** Checks what the child left and brings the library back to a fresh state (a completed retraining). */
  afterChild: (attempt: KillAttempt, context: string) => Promise<void>;
}

/**
 * Kills one child after another as planned until one kill lands, at most `maxAttempts` children, each
 * followed by `afterChild` landed or not (a kill that missed must leave the library intact all the same).
 * A retry re-aims at the same fraction of the phase's duration as the missed child showed it, when it
 * ended before the kill, so a phase that runs shorter than measured is still hit.
 */
export async function aimedKill(options: AimedKillOptions): Promise<KillRecord> {
  const { plan } = options;
  const attempts: KillAttempt[] = [];
  let durationMs = options.measuredMs;
  while (attempts.length < options.maxAttempts) {
    await options.prepare?.();
    const offsetMs = Math.round(plan.fraction * durationMs);
    const attempt = await killInPhase(watchPhases(options.spawn()), plan.phase, offsetMs);
    attempts.push(attempt);
    await options.afterChild(attempt, describeAttempt(plan, attempt, attempts.length));
    if (attempt.landed) break;
    if (attempt.observedMs !== null) durationMs = Math.min(durationMs, attempt.observedMs);
  }
  return { plan, attempts, landed: attempts.at(-1)?.landed ?? false };
}

/** `kill 2 (training at 0.42, 1673 ms in), attempt 1: landed in training, 2 ms late`. */
export function describeAttempt(plan: KillPlan, attempt: KillAttempt, number: number): string {
  const where = `kill ${plan.index + 1} (${plan.phase} at ${plan.fraction.toFixed(2)}, ${attempt.offsetMs} ms in), attempt ${number}`;
  const seen = attempt.marks.map((m) => `${m.phase}@${m.at.toFixed(0)}`).join(' ');
  const exit = attempt.exit.signal ?? `exit ${attempt.exit.code}`;
  const outcome = attempt.landed
    ? `landed in ${plan.phase}, ${attempt.lateMs?.toFixed(0)} ms late`
    : attempt.lateMs === null
      ? `not sent: the child never reached ${plan.phase} or ended first (${exit})`
      : `missed: ${missedBecause(plan.phase, attempt)}` +
        (attempt.observedMs === null ? '' : `, ${plan.phase} lasted ${attempt.observedMs.toFixed(0)} ms`);
  return `${where}: ${outcome} [phases ${seen}; ${exit}]`;
}

function missedBecause(phase: string, attempt: KillAttempt): string {
  if (!attempt.alive) return 'the child had exited';
  if (attempt.phaseAtKill !== phase) return `the child was in ${attempt.phaseAtKill ?? 'no phase'}`;
  return 'the child had moved on (a later phase line or its report arrived after the signal)';
}

/** `kills landed per phase: embedding 3, training 3 (6 of 6 intended)`. */
export function landedSummary(records: KillRecord[], intended: number): string {
  const perPhase = new Map<string, number>();
  for (const record of records) {
    perPhase.set(record.plan.phase, (perPhase.get(record.plan.phase) ?? 0) + (record.landed ? 1 : 0));
  }
  const landed = records.filter((r) => r.landed).length;
  const phases = [...perPhase].map(([phase, n]) => `${phase} ${n}`).join(', ');
  return `kills landed per phase: ${phases} (${landed} of ${intended} intended)`;
}

/** Runs a child to its end through watchPhases: what it printed, when it announced each phase, how it ended. */
export async function runWatched(
  child: ChildProcess,
): Promise<WatchedChild & { code: number | null; signal: NodeJS.Signals | null }> {
  const run = watchPhases(child);
  const { code, signal } = await run.closed;
  return Object.assign(run, { code, signal });
}
