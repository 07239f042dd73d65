import type { SourcePosition } from '../pipeline/types';
import type { ImportNote } from './template';

/** Collects the report's notes as the readers and the mapping go. */
export class Notes {
  readonly list: ImportNote[] = [];

  dropped(at: SourcePosition, message: string): void {
    this.list.push({ at, kind: 'dropped', message });
  }

  approximated(at: SourcePosition, message: string): void {
    this.list.push({ at, kind: 'approximated', message });
  }

  secret(at: SourcePosition, message: string): void {
    this.list.push({ at, kind: 'secret', message });
  }
}
