import type { SourcePosition } from '../../pipeline/types';
import { Notes } from '../notes';
import type { ImportNote } from '../template';

/** A line of the import report: a field mapped, or a note (dropped, approximated, secret). */
export interface ReportLine {
  at: SourcePosition;
  kind: 'mapped' | ImportNote['kind'];
  message: string;
}

/** What the mapping did with each field, and the readers' notes: the report. */
export class Report extends Notes<'mapped'> {
  get lines(): ReportLine[] {
    return this.list;
  }

  mapped(at: SourcePosition, message: string): void {
    this.note(at, 'mapped', message);
  }

  add(notes: ImportNote[]): void {
    this.list.push(...notes);
  }
}

/** The report as printed: `file:line: kind: message`, file by file as given, then a count of each kind. */
export function formatReport(lines: ReportLine[], fileOrder: string[] = []): string {
  const files = [...new Set([...fileOrder, ...lines.map((line) => line.at.file)])];
  const sorted = [...lines].sort((a, b) => files.indexOf(a.at.file) - files.indexOf(b.at.file) || a.at.line - b.at.line || a.at.col - b.at.col);
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line.kind, (counts.get(line.kind) ?? 0) + 1);
  const summary = ['mapped', 'approximated', 'dropped', 'secret'].map((kind) => `${counts.get(kind) ?? 0} ${kind}`).join(', ');
  return [...sorted.map((line) => `${line.at.file}:${line.at.line}: ${line.kind}: ${line.message}`), summary].join('\n');
}
