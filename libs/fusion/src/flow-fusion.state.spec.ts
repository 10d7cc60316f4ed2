import { observeHit } from './flow-fusion.state';
import { hitRecord } from './fusion-test.fixtures';

describe('observeHit', () => {
  it('alerts the first hit of each sid in a flow and counts the repeats', () => {
    const first = observeHit(null, hitRecord({ ts_us: 10 }));
    const again = observeHit(first.state, hitRecord({ ts_us: 20 }));
    const other = observeHit(again.state, hitRecord({ ts_us: 15, sid: 7 }));
    expect([first.alert !== null, again.alert, other.alert !== null]).toEqual([true, null, true]);
    expect(other.state).toMatchObject({ lastUs: 20, sids: ['1:1000001', '1:7'], suppressed: 1 });
    expect(other.state.hits.map((h) => h.sid)).toEqual([1000001, 7]);
  });

  it('tells gids apart', () => {
    const a = observeHit(null, hitRecord({ gid: 1 }));
    expect(observeHit(a.state, hitRecord({ gid: 3 })).alert).not.toBeNull();
  });

  it('keeps at most maxHitsPerFlow hits but still alerts new sids', () => {
    const limits = { maxHitsPerFlow: 1, maxSidsPerFlow: 10 };
    const a = observeHit(null, hitRecord({ sid: 1 }), limits);
    const b = observeHit(a.state, hitRecord({ sid: 2 }), limits);
    expect([b.alert !== null, b.dropped, b.state.hits.length, b.state.sids.length]).toEqual([true, true, 1, 2]);
  });
});
