import { observeHost, type HostWindowState } from './host-window';
import { HostWindowTracker } from './host-window.tracker';
import { observeService, type ServiceWindowState } from './service-window';
import { ServiceWindowTracker } from './service-window.tracker';
import { compareConnections, type WindowConnection } from './window-connection';
import { DEFAULT_WINDOW_OPTIONS, type WindowOptions } from './window-options';
import { inEndTimeOrder } from './window-tracker';

/** A small deterministic generator, so a failing sequence can be replayed by its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Scenario {
  seed: number;
  length: number;
  /** Mean gap between end times, µs. */
  gapUs: number;
  /** Share of connections that arrive late (out of end-time order). */
  late: number;
  /** End times rounded to a multiple of this, so some fall exactly on a window's edge. */
  gridUs?: number;
  options: WindowOptions;
}

function connections({ seed, length, gapUs, late, gridUs = 1 }: Scenario): WindowConnection[] {
  const next = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  let t = 1_000_000;
  const out: WindowConnection[] = [];
  for (let i = 0; i < length; i++) {
    t += Math.floor(next() * 2 * gapUs);
    const endUs = Math.round((next() < late ? t - Math.floor(next() * 3_000_000) : t) / gridUs) * gridUs;
    out.push({
      endUs, uid: `C${String(i).padStart(5, '0')}`, origH: pick(['10.0.0.1', '10.0.0.2', '10.0.0.3']), origP: pick([1000, 1001, 40000]),
      respH: pick(['10.0.1.1', '10.0.1.2']), service: pick(['tcp/80', 'tcp/22', 'udp/53']), serror: next() < 0.3, rerror: next() < 0.2,
    });
  }
  // In order as the stage releases them, except for the late ones, which arrive where they were made.
  return late > 0 ? out : out.sort(compareConnections);
}

const small: WindowOptions = { timeWindowUs: 2_000_000, hostWindowConnections: 5, maxConnectionsPerKey: 8 };
const scenarios: [string, Scenario][] = [
  ['sparse, default windows', { seed: 1, length: 400, gapUs: 400_000, late: 0, options: DEFAULT_WINDOW_OPTIONS }],
  ['dense, default windows', { seed: 2, length: 1500, gapUs: 5_000, late: 0, options: DEFAULT_WINDOW_OPTIONS }],
  ['flood past the bound', { seed: 3, length: 2000, gapUs: 200, late: 0, options: { ...DEFAULT_WINDOW_OPTIONS, maxConnectionsPerKey: 300 } }],
  ['small windows, bound below the time window', { seed: 4, length: 600, gapUs: 100_000, late: 0, options: small }],
  ['last-N larger than the bound', { seed: 5, length: 600, gapUs: 50_000, late: 0, options: { ...small, hostWindowConnections: 20 } }],
  ['equal end times', { seed: 6, length: 300, gapUs: 0, late: 0, options: small }],
  ['end times on the window edge', { seed: 11, length: 600, gapUs: 300_000, late: 0, gridUs: 500_000, options: { ...small, maxConnectionsPerKey: 50 } }],
  ['late connections', { seed: 7, length: 800, gapUs: 200_000, late: 0.05, options: DEFAULT_WINDOW_OPTIONS }],
  ['late connections, small windows', { seed: 8, length: 800, gapUs: 100_000, late: 0.1, options: small }],
  ['a negative time window', { seed: 9, length: 200, gapUs: 100_000, late: 0, options: { ...small, timeWindowUs: -1 } }],
  ['no last-N window (slice(-0) keeps everything)', { seed: 10, length: 100, gapUs: 100_000, late: 0, options: { ...small, hostWindowConnections: 0 } }],
];

describe('HostWindowTracker gives what observeHost gives', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    const tracker = new HostWindowTracker(scenario.options);
    let state: HostWindowState | null = null;
    for (const conn of connections(scenario)) {
      const expected = observeHost(state, conn, scenario.options);
      state = expected.state;
      const got = tracker.observe(conn);
      expect(got).toEqual({ features: expected.features, evicted: expected.evicted });
      expect(Object.keys(got.features)).toEqual(Object.keys(expected.features));
      expect(JSON.stringify(tracker)).toBe(JSON.stringify(expected.state));
      expect(tracker.newestEndUs).toBe(expected.state.conns[expected.state.conns.length - 1]?.endUs);
    }
  });

  it('resumes from a snapshot as if it had never stopped', () => {
    const scenario = scenarios[1][1];
    const conns = connections(scenario);
    const first = new HostWindowTracker(scenario.options);
    for (const c of conns.slice(0, 700)) first.observe(c);
    const resumed = new HostWindowTracker(scenario.options, JSON.parse(JSON.stringify(first)) as HostWindowState);
    for (const c of conns.slice(700)) expect(resumed.observe(c)).toEqual(first.observe(c));
  });
});

describe('ServiceWindowTracker gives what observeService gives', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    const tracker = new ServiceWindowTracker(scenario.options);
    let state: ServiceWindowState | null = null;
    for (const conn of connections(scenario)) {
      const expected = observeService(state, conn, scenario.options);
      state = expected.state;
      const got = tracker.observe(conn);
      expect(got).toEqual({ features: expected.features, evicted: expected.evicted });
      expect(Object.keys(got.features)).toEqual(Object.keys(expected.features));
      expect(JSON.stringify(tracker)).toBe(JSON.stringify(expected.state));
    }
  });

  it('resumes from a snapshot as if it had never stopped', () => {
    const scenario = scenarios[2][1];
    const conns = connections(scenario);
    const first = new ServiceWindowTracker(scenario.options);
    for (const c of conns.slice(0, 1000)) first.observe(c);
    const resumed = new ServiceWindowTracker(scenario.options, JSON.parse(JSON.stringify(first)) as ServiceWindowState);
    for (const c of conns.slice(1000)) expect(resumed.observe(c)).toEqual(first.observe(c));
  });
});

describe('inEndTimeOrder', () => {
  const at = (endUs: number) => ({ endUs } as WindowConnection);
  it.each<[string, number[], boolean]>([
    ['empty', [], true],
    ['rising, with ties', [1, 2, 2, 3], true],
    ['a step back', [1, 3, 2], false],
    ['a NaN', [1, Number.NaN], false],
  ])('%s', (_name, times, expected) => {
    expect(inEndTimeOrder(times.map(at))).toBe(expected);
  });
});
