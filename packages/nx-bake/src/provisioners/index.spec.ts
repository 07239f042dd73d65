import { appliesTo } from './index';

describe('appliesTo', () => {
  it.each([
    [{}, true],
    [{ only: ['local'] }, true],
    [{ only: ['cloud'] }, false],
    [{ except: ['local'] }, false],
    [{ except: ['cloud'] }, true],
    [{ only: ['local'], except: ['local'] }, false],
  ])('%j for builder local → %s', (config, expected) => {
    expect(appliesTo(config, 'local')).toBe(expected);
  });
});
