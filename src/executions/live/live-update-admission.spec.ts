import { admitLiveUpdate } from './live-update-admission';

describe('admitLiveUpdate', () => {
  const expected = { teamId: 'team-a', lastSeq: 4 };

  it('delivers the next update of the same team', () => {
    expect(admitLiveUpdate(expected, { teamId: 'team-a', seq: 5 })).toBe('deliver');
  });

  it('drops updates already seen', () => {
    expect(admitLiveUpdate(expected, { teamId: 'team-a', seq: 4 })).toBe('drop');
    expect(admitLiveUpdate(expected, { teamId: 'team-a', seq: 1 })).toBe('drop');
  });

  it('asks for a snapshot when updates went missing or the seq is forged far ahead', () => {
    expect(admitLiveUpdate(expected, { teamId: 'team-a', seq: 6 })).toBe('resync');
    expect(admitLiveUpdate(expected, { teamId: 'team-a', seq: 999_999 })).toBe('resync');
  });

  it("drops another team's update whatever its seq", () => {
    expect(admitLiveUpdate(expected, { teamId: 'team-b', seq: 5 })).toBe('drop');
    expect(admitLiveUpdate(expected, { teamId: 'team-b', seq: 999_999 })).toBe('drop');
    expect(admitLiveUpdate(expected, { seq: 5 })).toBe('drop');
  });

  it('drops a seq that is not a safe integer', () => {
    for (const seq of ['5', 5.5, Number.MAX_VALUE, null, undefined]) {
      expect(admitLiveUpdate(expected, { teamId: 'team-a', seq })).toBe('drop');
    }
  });
});
