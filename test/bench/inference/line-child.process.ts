// A measuring child process spoken to in JSON lines: one command in, one answer out, in order.
// The first line it prints (`{"ready": ...}`) tells that it has loaded its models.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class ChildProcessFailedError extends Error {
  readonly code = 'CHILD_PROCESS_FAILED';
  constructor(readonly command: string, message: string) {
    super(`${command}: ${message}`);
    this.name = 'ChildProcessFailedError';
  }
}

export class LineChild {
  readonly ready: Promise<Record<string, unknown>>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private exited: Error | null = null;

  constructor(readonly name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    this.child.on('exit', (code, signal) => {
      this.exited = new ChildProcessFailedError(name, `exited ${code ?? signal}: ${this.stderr.trim().slice(-2000)}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
    this.child.on('error', (err) => {
      this.exited = new ChildProcessFailedError(name, err.message);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const w = this.waiting.shift();
      if (w) w.resolve(JSON.parse(line) as Record<string, unknown>);
    });
    this.ready = this.next();
  }

  ask<T>(command: object): Promise<T> {
    const answer = this.next() as Promise<T>;
    this.child.stdin.write(JSON.stringify(command) + '\n');
    return answer;
  }

  /** Ends its input: the child finishes and exits. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}
