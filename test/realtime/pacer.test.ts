import { expect } from 'chai';
import { Pacer, type PacerOptions, type PacerTimers } from '../../server/pacer.js';

/** A clock and timer queue moved by hand: no test here waits for real time. */
class HandTimers implements PacerTimers {
  t = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.queue = this.queue.filter((q) => q.id !== h);
  };
  /** Moves the clock on, firing each timer that comes due (in order), letting its work settle. */
  async advance(ms: number) {
    const until = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = until;
  }
  get waiting() {
    return this.queue.length;
  }
}
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A task that records when it ran and what state it saw; `hold` keeps a run going until released. */
function recorder(timers: HandTimers, state: { v: number }) {
  const runs: Array<{ at: number; saw: number }> = [];
  let hold: Promise<void> | null = null;
  let release = () => {};
  return {
    runs,
    task: async () => {
      runs.push({ at: timers.t, saw: state.v });
      if (hold) await hold;
    },
    holdNext() {
      hold = new Promise<void>((r) => (release = () => ((hold = null), r())));
    },
    release: () => release(),
  };
}

/** A Pacer over a recorded task, with its hand clock and the state the task reads (250 ms unless said). */
function paced({ intervalMs = 250, v = 1, options }: { intervalMs?: number; v?: number; options?: PacerOptions } = {}) {
  const timers = new HandTimers();
  const state = { v };
  const r = recorder(timers, state);
  return { timers, state, r, pacer: new Pacer(intervalMs, r.task, timers, options) };
}

describe('Pacer: at most one run per interval, the last one sees the latest state', () => {
  it('runs the first request at once and answers when that run is done', async () => {
    const { timers, state, r, pacer } = paced();
    await pacer.request();
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }]);
    expect(timers.waiting).to.equal(0);
  });

  it('folds a burst within the interval into one run at its end, which sees the last change', async () => {
    const { timers, state, r, pacer } = paced({ v: 0 });
    for (let i = 1; i <= 20; i++) {
      state.v = i;
      await pacer.request();
      await timers.advance(10); // 20 changes in 200 ms
    }
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }]);
    await timers.advance(49);
    expect(r.runs).to.have.length(1); // not before the interval is up
    await timers.advance(1);
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 250, saw: 20 }]);
    await timers.advance(10_000);
    expect(r.runs).to.have.length(2); // nothing more was asked for: nothing more runs
  });

  it('a request after a quiet spell runs at once again', async () => {
    const { timers, state, r, pacer } = paced();
    await pacer.request();
    await timers.advance(300);
    state.v = 2;
    await pacer.request();
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 300, saw: 2 }]);
  });

  it('a request while a run is going is served after it, one interval after it started', async () => {
    const { timers, state, r, pacer } = paced();
    r.holdNext();
    const first = pacer.request();
    await settle();
    await timers.advance(400); // the run takes longer than the interval
    state.v = 2;
    await pacer.request(); // returns at once: scheduled
    expect(r.runs).to.have.length(1);
    r.release();
    await first;
    await settle();
    await timers.advance(0); // already overdue: runs straight after
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 400, saw: 2 }]);
  });

  it('flush() runs what waits now; stop() drops what waits and ignores later requests', async () => {
    const { timers, state, r, pacer } = paced({ intervalMs: 60_000 });
    await pacer.request();
    state.v = 2;
    await pacer.request();
    await pacer.flush();
    expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 0, saw: 2 }]);
    expect(timers.waiting).to.equal(0);
    await pacer.flush(); // nothing waits: no run
    expect(r.runs).to.have.length(2);
    state.v = 3;
    await pacer.request();
    pacer.stop();
    await pacer.request();
    await timers.advance(120_000);
    await pacer.flush();
    expect(r.runs).to.have.length(2);
  });

  describe('with costShare: requests that come during a costly run wait longer', () => {
    /** Starts a run now that lasts `took` ms of the hand clock; `during` runs halfway through it. */
    async function costlyRun(timers: HandTimers, pacer: Pacer, r: ReturnType<typeof recorder>, took: number, during: () => Promise<void> = async () => {}) {
      r.holdNext();
      const run = pacer.request();
      await settle();
      await timers.advance(took / 2);
      await during();
      await timers.advance(took / 2);
      r.release();
      await run;
      await settle();
    }
    const options = { costShare: 0.25, maxIntervalMs: 2_000 };

    it('a request during a run of 150 ms (share 0.25) is served 600 ms after that run started, not 250', async () => {
      const { timers, state, r, pacer } = paced({ options });
      await costlyRun(timers, pacer, r, 150, async () => {
        state.v = 2;
        await pacer.request(); // at 75, while it runs
      });
      await timers.advance(449); // to 599
      expect(r.runs).to.have.length(1); // 250 ms would have run it at 250
      await timers.advance(1);
      expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 600, saw: 2 }]);
    });

    it('never waits past maxIntervalMs', async () => {
      const { timers, state, r, pacer } = paced({ options });
      await costlyRun(timers, pacer, r, 1_000, async () => {
        state.v = 2;
        await pacer.request(); // 4 s by the share, capped at 2 s
      });
      await timers.advance(999); // to 1,999
      expect(r.runs).to.have.length(1);
      await timers.advance(1);
      expect(r.runs.at(-1)).to.deep.equal({ at: 2_000, saw: 2 });
    });

    it('a change that finds the pacer idle after a costly run waits the base interval at most', async () => {
      const { timers, state, r, pacer } = paced({ options });
      await costlyRun(timers, pacer, r, 1_000); // nothing asked for meanwhile
      await timers.advance(100);
      state.v = 2;
      await pacer.request(); // at 1,100: past the base interval, so at once
      expect(r.runs).to.deep.equal([{ at: 0, saw: 1 }, { at: 1_100, saw: 2 }]);
    });

    it('without costShare a request during a costly run waits no longer than the run', async () => {
      const { timers, state, r, pacer } = paced();
      await costlyRun(timers, pacer, r, 150, async () => {
        state.v = 2;
        await pacer.request();
      });
      await timers.advance(100);
      expect(r.runs.at(-1)).to.deep.equal({ at: 250, saw: 2 });
    });
  });
});
