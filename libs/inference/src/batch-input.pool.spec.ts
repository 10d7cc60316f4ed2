import { BatchInputPool } from './batch-input.pool';

describe('BatchInputPool', () => {
  it('hands out exact-length float32 views over shared memory of the capacity asked', () => {
    const pool = new BatchInputPool();
    const v = pool.acquire(6, 32);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([v.length, v.byteOffset, v.buffer.byteLength]).toEqual([6, 0, 32 * 4]);
  });

  it('reuses a released buffer for a batch that fits, and allocates when none fits', () => {
    const pool = new BatchInputPool();
    const a = pool.acquire(10);
    pool.release(a);
    expect(pool.idle).toBe(1);
    const b = pool.acquire(8);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.idle).toBe(0);
    pool.release(b);
    const c = pool.acquire(11);
    expect(c.buffer).not.toBe(a.buffer);
    expect(pool.idle).toBe(1);
  });

  it('never hands one buffer to two batches: a double release is ignored', () => {
    const pool = new BatchInputPool();
    const a = pool.acquire(4);
    pool.release(a);
    pool.release(a);
    const [x, y] = [pool.acquire(4), pool.acquire(4)];
    expect(x.buffer).not.toBe(y.buffer);
  });

  it('keeps at most maxFree buffers, the largest ones, and ignores memory it does not own', () => {
    const pool = new BatchInputPool(2);
    const views = [pool.acquire(4), pool.acquire(16), pool.acquire(8)];
    views.forEach((v) => pool.release(v));
    pool.release(new Float32Array(64));
    expect(pool.idle).toBe(2);
    expect(pool.acquire(16).buffer).toBe(views[1].buffer);
    expect(pool.acquire(8).buffer).toBe(views[2].buffer);
    expect(pool.idle).toBe(0);
  });

  it('refuses a negative or fractional length', () => {
    const pool = new BatchInputPool();
    expect(() => pool.acquire(-1)).toThrow(RangeError);
    expect(() => pool.acquire(1.5)).toThrow(RangeError);
    expect(() => new BatchInputPool(-1)).toThrow(RangeError);
  });
});
