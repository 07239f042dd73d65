import type { SourcePosition } from '../pipeline/types';
import type { ImportNote } from './template';

/** Collects the report's notes as the readers go (and, with `mapped` lines, the mapping: map/report.ts). */
export class Notes<Kind extends string = never> {
  readonly list: { at: SourcePosition; kind: Kind | ImportNote['kind']; message: string }[] = [];

  protected note(at: SourcePosition, kind: Kind | ImportNote['kind'], message: string): void {
    this.list.push({ at, kind, message });
  }

  dropped(at: SourcePosition, message: string): void {
    this.note(at, 'dropped', message);
  }

  approximated(at: SourcePosition, message: string): void {
    this.note(at, 'approximated', message);
  }

  secret(at: SourcePosition, message: string): void {
    this.note(at, 'secret', message);
  }
}
