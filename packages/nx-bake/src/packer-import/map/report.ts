import type { SourcePosition } from '../../pipeline/types';
import type { ImportNote } from '../template';

/** A line of the import report: a field mapped, or a note (dropped, approximated, secret). */
export interface ReportLine {
  at: SourcePosition;
  kind: 'mapped' | ImportNote['kind'];
  message: string;
}

/** Collects what the mapping did with each field, for the report. */
export class Report {
  readonly lines: ReportLine[] = [];

  mapped(at: SourcePosition, message: string): void {
    this.lines.push({ at, kind: 'mapped', message });
  }

  dropped(at: SourcePosition, message: string): void {
    this.lines.push({ at, kind: 'dropped', message });
  }

  approximated(at: SourcePosition, message: string): void {
    this.lines.push({ at, kind: 'approximated', message });
  }

  secret(at: SourcePosition, message: string): void {
    this.lines.push({ at, kind: 'secret', message });
  }

  add(notes: ImportNote[]): void {
    this.lines.push(...notes);
  }
}

/** The report as printed: `file:line: kind: message`, in file order, then a count of each kind. */
export function formatReport(lines: ReportLine[]): string {
  const sorted = [...lines].sort((a, b) => a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line || a.at.col - b.at.col);
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line.kind, (counts.get(line.kind) ?? 0) + 1);
  const summary = ['mapped', 'approximated', 'dropped', 'secret'].map((kind) => `${counts.get(kind) ?? 0} ${kind}`).join(', ');
  return [...sorted.map((line) => `${line.at.file}:${line.at.line}: ${line.kind}: ${line.message}`), summary].join('\n');
}
