import { parseEnvironmentList } from './environment';
import { environmentAssignments } from './shell';

describe('parseEnvironmentList', () => {
  it('splits at the first = and keeps empty values', () => {
    expect(parseEnvironmentList(['A=b=c', 'EMPTY=', '_x1=y'], 'f')).toEqual({ A: 'b=c', EMPTY: '', _x1: 'y' });
  });

  it('names a bad entry by position without echoing its value', () => {
    expect(() => parseEnvironmentList(['OK=1', 'NO_EQUALS'], 'environment_vars')).toThrow(/environment_vars\[1\]/);
    let message = '';
    try {
      parseEnvironmentList(['9BAD=hunter2'], 'environment_vars');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('environment_vars[0]');
    expect(message).not.toContain('hunter2');
  });
});

describe('environmentAssignments', () => {
  it('shell-quotes values and adds the builder facts first', () => {
    expect(environmentAssignments({ environment_vars: ["Q=it's", 'P=/usr/bin'] }, { builderName: 'local', builderType: 'docker' })).toBe(
      `NX_BAKE_BUILD_NAME=local NX_BAKE_BUILDER_TYPE=docker Q='it'\\''s' P=/usr/bin`,
    );
  });
});
