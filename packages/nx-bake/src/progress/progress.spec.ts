import { Redactor } from '../pipeline/redact';
import { LineBuffer } from './line-buffer';
import { PlainReporter } from './plain-reporter';
import { isInteractive } from './reporter';
import { createStageLogger } from './stage-logger';

describe('LineBuffer', () => {
  it('emits whole lines only, and the rest on flush', () => {
    const lines: string[] = [];
    const buffer = new LineBuffer((line) => lines.push(line));
    buffer.write('one\ntw');
    expect(lines).toEqual(['one']);
    buffer.write(Buffer.from('o\r\nthree'));
    expect(lines).toEqual(['one', 'two']);
    buffer.flush();
    expect(lines).toEqual(['one', 'two', 'three']);
  });
});

describe('stage loggers over one plain reporter', () => {
  it('never interleave two stages mid-line, prefix each line with its stage, and redact secrets', () => {
    const written: string[] = [];
    const reporter = new PlainReporter((line) => written.push(line), () => new Date('2026-01-02T03:04:05.000Z'));
    const redactor = new Redactor(['s3cr3t-value']);
    const a = createStageLogger('p/a', reporter, redactor);
    const b = createStageLogger('p/b', reporter, redactor);
    a.output('stdout', 'alpha part ');
    b.output('stdout', 'beta part ');
    a.output('stdout', 'one s3cr3t-value\n');
    b.output('stdout', 'two\n');
    expect(written).toEqual([
      '2026-01-02T03:04:05.000Z [p/a] | alpha part one <sensitive>',
      '2026-01-02T03:04:05.000Z [p/b] | beta part two',
    ]);
  });

  it('reports steps with their elapsed time', () => {
    const written: string[] = [];
    let now = 0;
    const reporter = new PlainReporter((line) => written.push(line), () => new Date(now));
    reporter.stepStarted('p/a', 'provision');
    now = 2500;
    reporter.stepFinished('p/a', 'provision', new Error('boom'));
    expect(written[0]).toMatch(/\[p\/a\] provision \.\.\.$/);
    expect(written[1]).toMatch(/\[p\/a\] WARN provision failed after 2\.5s$/);
  });
});

describe('isInteractive', () => {
  it('is a tree only in a terminal outside CI and outside the Nx TUI', () => {
    expect(isInteractive({}, { isTTY: true })).toBe(true);
    expect(isInteractive({ CI: 'true' }, { isTTY: true })).toBe(false);
    expect(isInteractive({ NX_TUI: 'true' }, { isTTY: true })).toBe(false);
    expect(isInteractive({}, { isTTY: false })).toBe(false);
  });
});
