import { execFileSync } from 'node:child_process';
import { shellQuote } from './shell-quote';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('/tmp/script_1.sh')).toBe('/tmp/script_1.sh');
  });

  it.each(["it's", 'a b', '$HOME', '`id`', '"x"', '', 'new\nline', "'"])('round-trips %p through sh', (word) => {
    const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(word)}`]).toString();
    expect(echoed).toBe(word);
  });
});
