import os from 'node:os';
import { forkModelProcess, ModelProcess, type ModelTransport } from './host';
import type { ModelProcessConfig } from './protocol';

export interface ModelProcessPoolOptions {
  /** How a process starts: fork() in the CLI and tests, utilityProcess in the app. */
  start?: () => ModelTransport;
  /** A process that stopped on its own (a native crash): the app tells the user. */
  onUnexpectedExit?: (description: string) => void;
  /** Processes alive at once; see DEFAULT_CAPACITY. */
  capacity?: number;
  /** How long a released process waits for its next task before it is stopped. */
  idleMs?: number;
}

/** A process lent by the pool: the holder's alone until it releases it. */
export interface ModelProcessLease {
  process: ModelProcess;
  release(): void;
}

/**
 * One process per core: wasm runs one thread, so a third process only competes. At least two, since a
 * deep retraining's promotion embeds through its new top while its training process is still open.
 */
const DEFAULT_CAPACITY = Math.max(2, os.availableParallelism());
/** Loading the backbone takes seconds and a heatmap a fraction of one: a released process is kept a while. */
const DEFAULT_IDLE_MS = 60_000;

interface Slot {
  key: string;
  process: ModelProcess;
  busy: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * Every model process of one host (the app, one CLI command, a test) comes from here: a process per
 * configuration (backbone, backend, fine-tuned top), lent to one task at a time, kept warm between tasks
 * and stopped when idle, at most `capacity` alive. A process that crashed fails its task and starts
 * afresh on the next (ModelProcess does that), so the pool needs no restart of its own.
 */
export class ModelProcessPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly start: () => ModelTransport;
  private readonly capacity: number;
  private readonly idleMs: number;
  private closed = false;

  constructor(private readonly options: ModelProcessPoolOptions = {}) {
    this.start = options.start ?? forkModelProcess;
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_CAPACITY);
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** A process for `config`, waiting while all the pool's processes are lent out. */
  async acquire(config: ModelProcessConfig): Promise<ModelProcessLease> {
    for (;;) {
      const lease = this.tryAcquire(config);
      if (lease) return lease;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** A process for `config` if one is free or can be started now; undefined when the pool is full. */
  tryAcquire(config: ModelProcessConfig): ModelProcessLease | undefined {
    if (this.closed) throw new Error('the model process pool is closed');
    const key = JSON.stringify(config);
    let slot = this.slots.find((s) => s.key === key && !s.busy);
    if (!slot) {
      if (this.slots.length >= this.capacity && !this.evictIdle()) return undefined;
      slot = {
        key,
        busy: false,
        process: new ModelProcess(config, this.start, this.options.onUnexpectedExit),
      };
      this.slots.push(slot);
    }
    clearTimeout(slot.idle);
    slot.busy = true;
    const lent = slot;
    let released = false;
    return {
      process: lent.process,
      release: () => {
        if (released) return;
        released = true;
        this.release(lent);
      },
    };
  }

  /** Runs `work` on a process for `config` and gives it back, however the work ends. */
  async use<T>(config: ModelProcessConfig, work: (process: ModelProcess) => Promise<T>): Promise<T> {
    const lease = await this.acquire(config);
    try {
      return await work(lease.process);
    } finally {
      lease.release();
    }
  }

  /** Processes alive now, lent or idle: for tests and the status line. */
  size(): number {
    return this.slots.length;
  }

  /** Stops every process: the CLI's last step, and the app's at quit. */
  close(): void {
    this.closed = true;
    for (const slot of this.slots.splice(0)) {
      clearTimeout(slot.idle);
      slot.process.close();
    }
    for (const wake of this.waiting.splice(0)) wake();
  }

  private release(slot: Slot): void {
    slot.busy = false;
    if (this.closed || !this.slots.includes(slot)) return;
    slot.idle = setTimeout(() => this.stop(slot), this.idleMs);
    // A pending stop must not keep a CLI or a test process alive.
    slot.idle.unref();
    this.waiting.shift()?.();
  }

  private evictIdle(): boolean {
    const idle = this.slots.find((s) => !s.busy);
    if (!idle) return false;
    this.stop(idle);
    return true;
  }

  private stop(slot: Slot): void {
    clearTimeout(slot.idle);
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    slot.process.close();
    this.waiting.shift()?.();
  }
}
