import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** What the e2e stack serves (see stack.mjs). */
export interface StackInfo {
  viewerUrl: string;
  dicomwebUrl: string;
  studyInstanceUID: string;
}

/** A running e2e stack child process. */
export interface RunningStack extends StackInfo {
  stop(): Promise<void>;
  /** The stack's log so far (stderr), for failure messages. */
  log(): string;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Starts test/e2e/support/stack.mjs and resolves when it reports READY (rejects with its one-line error). */
export function startStack({ timeoutMs }: { timeoutMs: number }): Promise<RunningStack> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'stack.mjs')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: process.env,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise<RunningStack>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`e2e stack not ready after ${timeoutMs} ms; log:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of stdout.split('\n')) {
        if (line.startsWith('PVPI_STACK_READY ')) {
          clearTimeout(timer);
          const info = JSON.parse(line.slice('PVPI_STACK_READY '.length)) as StackInfo;
          resolve({ ...info, stop, log: () => stderr });
          return;
        }
        if (line.startsWith('PVPI_STACK_ERROR ')) {
          clearTimeout(timer);
          reject(new Error(`e2e stack failed: ${line.slice('PVPI_STACK_ERROR '.length)}`));
          return;
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`e2e stack exited (code ${code}) before it was ready; log:\n${stderr.slice(-2000)}`));
    });
  });
}
