import { commandFailure, OutputTail } from './output-tail';

describe('OutputTail', () => {
  it('keeps the last lines across chunk boundaries, including partial last lines', () => {
    const tail = new OutputTail(3);
    tail.write('stdout', 'one\ntw');
    tail.write('stdout', Buffer.from('o\r\nthree\nfour\nfi'));
    expect(tail.toString()).toBe('three\nfour\nfi');
  });

  it('keeps partial lines of the two streams apart', () => {
    const tail = new OutputTail();
    tail.write('stdout', 'out-');
    tail.write('stderr', 'err-');
    tail.write('stdout', 'line\n');
    tail.write('stderr', 'line\n');
    expect(tail.toString()).toBe('out-line\nerr-line');
  });

  it('keeps the last stderr lines even when stdout lines arrived after them', () => {
    const tail = new OutputTail(3, 1);
    tail.write('stderr', 'early error\nthe error\n');
    tail.write('stdout', 'a\nb\nc\nd\n');
    expect(tail.toString()).toBe('c\nd\nthe error');
  });

  it('builds a failure message with the exit code and the tail', () => {
    const tail = new OutputTail();
    tail.write('stderr', 'boom\n');
    expect(commandFailure('shell provisioner: inline', 4, tail).message).toBe('shell provisioner: inline exited with code 4; last output:\nboom');
    expect(commandFailure('x', null, new OutputTail()).message).toBe('x exited with code unknown (no output)');
  });
});
