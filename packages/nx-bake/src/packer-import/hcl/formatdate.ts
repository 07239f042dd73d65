/**
 * HCL's `formatdate` specs (`YYYY-MM-DD hh:mm`) as Go reference layouts for the pipeline's `isotime`
 * (`2006-01-02 15:04`). Go layouts have no escapes, so literal text that Go would read as part of a layout
 * (`'v1'`, `'Mon'`, a `_` before a day) is kept out of it: the result is a sequence of layouts and texts.
 */
import { formatGoTime } from '../../pipeline/isotime';

/** A layout for `isotime`, or text written as is. */
export type DatePiece = { layout: string } | { text: string };

export interface ConvertedFormat {
  pieces: DatePiece[];
  /** What Go layouts cannot say exactly, for a note. */
  approximations: string[];
}

/** By letter, then by run length: the Go layout for each of HCL's sequences. */
const SEQUENCES: Record<string, Record<number, string>> = {
  Y: { 2: '06', 4: '2006' },
  M: { 1: '1', 2: '01', 3: 'Jan', 4: 'January' },
  D: { 1: '2', 2: '02' },
  E: { 3: 'Mon', 4: 'Monday' },
  h: { 1: '15', 2: '15' },
  H: { 1: '3', 2: '03' },
  A: { 2: 'PM' },
  a: { 2: 'pm' },
  m: { 1: '4', 2: '04' },
  s: { 1: '5', 2: '05' },
  Z: { 1: 'Z07:00', 3: 'MST', 4: '-0700', 5: '-07:00' },
};

type Segment = { token: string } | { text: string };

/** The spec's segments; throws on a letter sequence HCL does not know (formatdate fails on it too). */
function segmentsOf(spec: string, approximations: string[]): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < spec.length) {
    const ch = spec[i];
    if (ch === "'") {
      // 'quoted text', with '' for a quote inside or alone.
      let j = i + 1;
      let literal = '';
      for (;;) {
        if (j >= spec.length) throw new Error(`unterminated quoted text in ${JSON.stringify(spec)}`);
        if (spec[j] === "'" && spec[j + 1] === "'") {
          literal += "'";
          j += 2;
        } else if (spec[j] === "'") break;
        else literal += spec[j++];
      }
      segments.push({ text: j === i + 1 ? "'" : literal });
      i = j + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(ch)) {
      segments.push({ text: ch });
      i++;
      continue;
    }
    let j = i;
    while (spec[j] === ch) j++;
    const token = SEQUENCES[ch]?.[j - i];
    if (token === undefined) throw new Error(`invalid date format sequence ${JSON.stringify(spec.slice(i, j))} in ${JSON.stringify(spec)}`);
    if (ch === 'h' && j - i === 1) approximations.push('h (24-hour hour without padding) became 15, which pads to two digits');
    segments.push({ token });
    i = j;
  }
  return segments;
}

/** Times where every field differs: a layout renders right at all of them only if Go reads it as meant. */
const PROBE_TIMES = ['2009-11-13T19:05:07Z', '2021-03-04T08:09:01Z', '1999-12-31T23:59:58Z'].map((time) => new Date(time));

const rendered = (segments: Segment[], at: Date): string => segments.map((segment) => ('token' in segment ? formatGoTime(at, segment.token) : segment.text)).join('');
const layoutOf = (segments: Segment[]): string => segments.map((segment) => ('token' in segment ? segment.token : segment.text)).join('');
const readsAsMeant = (segments: Segment[]): boolean => PROBE_TIMES.every((at) => formatGoTime(at, layoutOf(segments)) === rendered(segments, at));

export function convertFormatdate(spec: string): ConvertedFormat {
  const approximations: string[] = [];
  const pieces: DatePiece[] = [];
  // The segments of the layout being grown; each segment joins it only if the layout still reads as meant.
  let run: Segment[] = [];
  const closeRun = (): void => {
    if (run.some((segment) => 'token' in segment)) pieces.push({ layout: layoutOf(run) });
    else if (run.length > 0) pieces.push({ text: layoutOf(run) });
    run = [];
  };
  for (const segment of segmentsOf(spec, approximations)) {
    if (readsAsMeant([...run, segment])) {
      run.push(segment);
      continue;
    }
    closeRun();
    if ('token' in segment || readsAsMeant([segment])) run.push(segment);
    else pieces.push({ text: segment.text });
  }
  closeRun();
  return { pieces: mergedTexts(pieces), approximations };
}

function mergedTexts(pieces: DatePiece[]): DatePiece[] {
  return pieces.reduce<DatePiece[]>((merged, piece) => {
    const last = merged[merged.length - 1];
    if (last && 'text' in last && 'text' in piece) merged[merged.length - 1] = { text: last.text + piece.text };
    else merged.push(piece);
    return merged;
  }, []);
}
