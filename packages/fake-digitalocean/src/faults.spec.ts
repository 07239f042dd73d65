import { Faults } from './faults';

describe('Faults', () => {
  it('uses each fault up after its count', () => {
    const faults = new Faults();
    faults.rateLimit(2, { resetSeconds: 3 });
    expect(faults.takeRateLimit()).toEqual({ resetSeconds: 3 });
    expect(faults.takeRateLimit()).toEqual({ resetSeconds: 3 });
    expect(faults.takeRateLimit()).toBeUndefined();
    faults.neverActive();
    expect(faults.takeNeverActive()).toBe(true);
    expect(faults.takeNeverActive()).toBe(false);
  });

  it('matches server errors on path and method only', () => {
    const faults = new Faults();
    faults.serverErrors(1, { status: 502, path: '^/v2/images', method: 'delete' });
    expect(faults.takeServerError('GET', '/v2/images/1')).toBeUndefined();
    expect(faults.takeServerError('DELETE', '/v2/droplets/1')).toBeUndefined();
    expect(faults.takeServerError('DELETE', '/v2/images/1')).toMatchObject({ status: 502 });
    expect(faults.takeServerError('DELETE', '/v2/images/1')).toBeUndefined();
    expect(() => faults.serverErrors(1, { status: 404 })).toThrow(/not a 5xx/);
  });

  it('delays actions of the given type only, for ever when stuck, for all of them with count Infinity', () => {
    const faults = new Faults();
    faults.stuckActions({ type: 'snapshot' });
    faults.slowActions(500, { count: Infinity });
    expect(faults.takeActionDelay('snapshot')).toBe('forever');
    expect(faults.takeActionDelay('snapshot')).toBe(500);
    expect(faults.takeActionDelay('power_off')).toBe(500);
    expect(faults.snapshot().actionDelays).toEqual([{ remaining: Infinity, ms: 500, type: undefined }]);
    faults.clear();
    expect(faults.takeActionDelay('power_off')).toBe(0);
  });
});
