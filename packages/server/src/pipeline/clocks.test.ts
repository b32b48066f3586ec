import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clocks.js';

describe('VirtualClock', () => {
  it('fires timers in time order, same-instant timers in the order set, and lets promise work settle between them', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimer(40, () => seen.push(`b@${clock.now()}`));
    clock.setTimer(20, () => {
      seen.push(`a@${clock.now()}`);
      void Promise.resolve().then(() => clock.setTimer(0, () => seen.push(`a2@${clock.now()}`)));
    });
    clock.setTimer(40, () => seen.push(`c@${clock.now()}`));
    await clock.advance(100);
    expect(seen).toEqual(['a@20', 'a2@20', 'b@40', 'c@40']);
    expect(clock.now()).toBe(100);
  });

  it('cancels timers and sleeps, and rejects a sleep whose signal aborts', async () => {
    const clock = new VirtualClock();
    let fired = false;
    clock
      .setTimer(10, () => {
        fired = true;
      })
      .cancel();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('barge-in'));
    await expect(sleeping).rejects.toThrow('barge-in');
    await clock.advance(2000);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('run() does not move time while a hold is open', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    const release = clock.hold();
    clock.setTimer(500, () => order.push(`timeout@${clock.now()}`));
    // Real work finishing while the clock is held: it must come before the timeout in virtual time.
    setTimeout(() => {
      order.push(`work@${clock.now()}`);
      release();
    }, 30);
    await clock.run({ until: () => order.length === 2 });
    expect(order).toEqual(['work@0', 'timeout@500']);
  });
});
