import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RulesPathWatcherOptions {
  /** Polling interval, the fallback when fs.watch is unavailable or misses events. Default 5000 ms; 0 = off. */
  pollIntervalMs?: number;
  /** Quiet time after the last change before `onChange`, so a file being written is read whole. Default 500 ms. */
  debounceMs?: number;
  /** fs.watch on the directory. Default true. */
  watch?: boolean;
  /** Told when fs.watch cannot be used (polling goes on). */
  onWatchError?: (err: Error) => void;
}

/**
 * Calls `onChange` (debounced) when the rules path changes: for a directory, any `*.rules` file
 * in it added, removed or modified; for a file, that file. Like @ids/inference's ModelRegistry:
 * fs.watch for speed, a poll as the fallback, and a name/size/mtime signature so only real
 * changes (not an fs.watch event for an unrelated file, nor a poll tick) call `onChange`.
 *
 * A file path is watched through its directory: editors save by writing a new file and renaming
 * it over the old one, after which a watch on the old file's inode sees nothing more.
 */
export class RulesPathWatcher {
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private lastSignature = '';

  constructor(private readonly path: string, private readonly options: RulesPathWatcherOptions = {}) {}

  start(onChange: () => void): void {
    this.stop();
    this.lastSignature = rulesPathSignature(this.path);
    const changed = (): void => {
      if (this.debounceTimer) clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => {
        this.debounceTimer = null;
        const signature = rulesPathSignature(this.path);
        if (signature === this.lastSignature) return;
        this.lastSignature = signature;
        onChange();
      }, this.options.debounceMs ?? 500);
      this.debounceTimer.unref();
    };
    if (this.options.watch ?? true) {
      try {
        const dir = isDirectory(this.path) ? this.path : dirname(this.path);
        this.watcher = watch(dir, { persistent: false }, changed);
        this.watcher.on('error', (err) => this.options.onWatchError?.(err));
      } catch (err) {
        this.options.onWatchError?.(err as Error);
      }
    }
    const poll = this.options.pollIntervalMs ?? 5_000;
    if (poll > 0) {
      // a tick never pushes back a pending check: with ticks closer than the debounce it would never run
      this.pollTimer = setInterval(() => { if (!this.debounceTimer) changed(); }, poll);
      this.pollTimer.unref();
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.pollTimer = this.debounceTimer = null;
  }
}

/** name, size and mtime of the rule files the path stands for; `-` for what cannot be read. */
export function rulesPathSignature(path: string): string {
  const stat = (file: string): string => {
    try {
      const st = statSync(file);
      return `${file}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${file}:-`;
    }
  };
  if (!isDirectory(path)) return stat(path);
  let names: string[];
  try {
    names = readdirSync(path).filter((f) => f.endsWith('.rules')).sort();
  } catch {
    return `${path}:-`;
  }
  return names.map((f) => stat(join(path, f))).join('|');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
