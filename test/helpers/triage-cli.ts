import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const TRIAGE_BIN = path.resolve(__dirname, '..', '..', 'bin', 'triage.cjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the real `triage` command in its own process. */
export function spawnTriage(args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [TRIAGE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Runs `triage` to the end and collects what it printed. */
export function runTriage(args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTriage(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
