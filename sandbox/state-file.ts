// Optional JSON persistence of the store (`firebreak sandbox --state-file`): read at start, written after changes
// through a temporary file and a rename, so a crash never leaves half a file behind.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StoreSnapshot } from './store';

export class StateFile {
  private dirty = false;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    readonly file: string,
    private readonly snapshot: () => StoreSnapshot,
  ) {}

  /** The saved snapshot, or undefined when the file does not exist yet. */
  read(): StoreSnapshot | undefined {
    if (!existsSync(this.file)) return undefined;
    return JSON.parse(readFileSync(this.file, 'utf8')) as StoreSnapshot;
  }

  /** Changes made outside a request (direct store calls) are saved on the next turn of the event loop. */
  markDirty(): void {
    this.dirty = true;
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Saves now if anything changed; the server calls it before answering a write so the answer implies durability. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.snapshot()));
    renameSync(temporary, this.file);
  }
}
