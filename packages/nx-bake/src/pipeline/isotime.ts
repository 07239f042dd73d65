/**
 * Go's reference-time layouts (as Packer's `isotime` takes them), formatted in UTC: the layout is the
 * reference time `Mon Jan 2 15:04:05 MST 2006` written the way the result should look.
 * Supported tokens: 2006 06 | 01 1 Jan January | 02 2 _2 | 002 | 15 03 3 | 04 4 | 05 5 | PM pm |
 * Mon Monday | MST | Z07:00 Z0700 Z07 Z07:00:00 Z070000 | -07:00 -0700 -07 -07:00:00 -070000 |
 * fractional seconds .000 .999 (or with a comma). Anything else is copied as is.
 */

export const RFC3339 = '2006-01-02T15:04:05Z07:00';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token = (date: Date) => string;

const pad = (value: number, width: number, fill = '0'): string => String(value).padStart(width, fill);
const hour12 = (date: Date): number => date.getUTCHours() % 12 || 12;
const yearDay = (date: Date): number =>
  Math.floor((Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;

/** Tokens by the text that starts them, longest first (Go's `nextStdChunk` order). */
const TOKENS: [string, Token][] = [
  ['January', (d) => MONTHS[d.getUTCMonth()]],
  ['Jan', (d) => MONTHS[d.getUTCMonth()].slice(0, 3)],
  ['Monday', (d) => DAYS[d.getUTCDay()]],
  ['Mon', (d) => DAYS[d.getUTCDay()].slice(0, 3)],
  ['MST', () => 'UTC'],
  ['01', (d) => pad(d.getUTCMonth() + 1, 2)],
  ['02', (d) => pad(d.getUTCDate(), 2)],
  ['03', (d) => pad(hour12(d), 2)],
  ['04', (d) => pad(d.getUTCMinutes(), 2)],
  ['05', (d) => pad(d.getUTCSeconds(), 2)],
  ['06', (d) => pad(d.getUTCFullYear() % 100, 2)],
  ['002', (d) => pad(yearDay(d), 3)],
  ['15', (d) => pad(d.getUTCHours(), 2)],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2006', (d) => pad(d.getUTCFullYear(), 4)],
  ['2', (d) => String(d.getUTCDate())],
  ['_2006', (d) => `_${pad(d.getUTCFullYear(), 4)}`],
  ['__2', (d) => pad(yearDay(d), 3, ' ')],
  ['_2', (d) => pad(d.getUTCDate(), 2, ' ')],
  ['3', (d) => String(hour12(d))],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
  ['PM', (d) => (d.getUTCHours() >= 12 ? 'PM' : 'AM')],
  ['pm', (d) => (d.getUTCHours() >= 12 ? 'pm' : 'am')],
  ['-070000', () => '+000000'],
  ['-07:00:00', () => '+00:00:00'],
  ['-0700', () => '+0000'],
  ['-07:00', () => '+00:00'],
  ['-07', () => '+00'],
  ['Z070000', () => 'Z'],
  ['Z07:00:00', () => 'Z'],
  ['Z0700', () => 'Z'],
  ['Z07:00', () => 'Z'],
  ['Z07', () => 'Z'],
];

const isDigit = (text: string, index: number): boolean => index < text.length && text[index] >= '0' && text[index] <= '9';

/** Formats `date` (in UTC) with a Go reference layout. */
export function formatGoTime(date: Date, layout: string = RFC3339): string {
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const match = TOKENS.find(
      ([token]) =>
        layout.startsWith(token, i) &&
        // As Go: `Jan` and `Mon` followed by a lowercase letter are words ("Month"), not tokens.
        !((token === 'Jan' || token === 'Mon') && /^[a-z]/.test(layout.slice(i + 3, i + 4))),
    );
    if (match) {
      out += match[1](date);
      i += match[0].length;
      continue;
    }
    const ch = layout[i];
    if ((ch === '.' || ch === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1];
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (!isDigit(layout, j)) {
        out += fraction(date, ch, j - i - 1, digit === '9');
        i = j;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** Fractional seconds with `width` digits; `trim` (the `.999` form) drops trailing zeros, and the dot when nothing is left. */
function fraction(date: Date, separator: string, width: number, trim: boolean): string {
  let digits = pad(date.getUTCMilliseconds(), 3).padEnd(9, '0').slice(0, width);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : separator + digits;
}
