import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { clusterPlotSvg } from '../../bench/cluster-plot.js';
import { clusterTableMarkdown } from '../../bench/cluster-table.js';
import { summarizeTrace } from '../../bench/cluster-scan.js';
import { summarizeProfile, type CpuProfile, type Where } from '../../bench/cpu-profile.js';
import type { ConnTrace } from '../../bench/ssh-trace.js';

/** The cluster benchmark's pure parts: what it reports must be what it measured. */

describe('clusterPlotSvg', () => {
  const svg = clusterPlotSvg(
    [
      {
        label: 'rkecis, concurrency 10',
        points: [
          { nodes: 1, seconds: 0.4 },
          { nodes: 10, seconds: 1.2 },
          { nodes: 100, seconds: 4 },
        ],
      },
      { label: 'guide & co <ssh>', dashed: true, points: [{ nodes: 10, seconds: 60 }] },
    ],
    'time against nodes',
    'a note',
  );

  it('is well-formed SVG with one marker per point and escaped labels', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
      svg: { circle: { '@_cy': string; '@_cx': string }[]; polyline: unknown[] };
    };
    expect(doc.svg.circle).toHaveLength(4);
    expect(doc.svg.polyline).toHaveLength(2);
    expect(svg).toContain('guide &amp; co &lt;ssh&gt;');
  });

  it('draws more seconds higher and more nodes further right (log scales)', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
      svg: { circle: { '@_cy': string; '@_cx': string }[] };
    };
    const [a, b, c] = doc.svg.circle.map((p) => ({ x: Number(p['@_cx']), y: Number(p['@_cy']) }));
    expect(a && b && c).toBeTruthy();
    if (a === undefined || b === undefined || c === undefined) return;
    // 1 -> 10 and 10 -> 100 nodes: equal steps on a log axis.
    expect(b.x - a.x).toBeCloseTo(c.x - b.x, 5);
    expect(b.y).toBeLessThan(a.y);
    expect(c.y).toBeLessThan(b.y);
  });

  it('refuses to plot nothing', () => {
    expect(() => clusterPlotSvg([{ label: 'x', points: [] }], 't', 'n')).toThrow(/nothing/);
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url: string) => ({
    functionName,
    url,
    lineNumber: 0,
    columnNumber: 0,
  });
  // root -> main -> parse (ssh2), root -> (idle)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
      { id: 2, callFrame: frame('main', 'file:///x/src/main.js'), children: [3] },
      { id: 3, callFrame: frame('parse', 'file:///x/node_modules/ssh2/lib/p.js') },
      { id: 4, callFrame: frame('(idle)', '') },
    ],
    startTime: 0,
    endTime: 10_000,
    // Each sample is charged the time up to the next one.
    samples: [2, 3, 3, 4, 3],
    timeDeltas: [0, 1000, 2000, 3000, 4000],
  };
  const locate = (f: { functionName: string; url: string }): Where => {
    if (f.url === '') {
      const area = f.functionName === '(idle)' ? 'idle' : 'V8: (root)';
      return { file: f.functionName, area, fn: f.functionName };
    }
    return f.url.includes('ssh2')
      ? { file: 'ssh2', area: 'ssh2', fn: f.functionName }
      : { file: 'src/main.ts', area: 'rkecis', fn: f.functionName };
  };
  const s = summarizeProfile(profile, locate);

  it('charges each sample the time until the next, to the function on top of the stack', () => {
    expect(s.byFunction).toEqual([
      { fn: 'parse', file: 'ssh2', ms: 5 },
      { fn: '(idle)', file: '(idle)', ms: 4 },
      { fn: 'main', file: 'src/main.ts', ms: 1 },
    ]);
    expect(s.wallMs).toBe(10);
    expect(s.busyMs).toBe(6);
  });

  it('gives a caller the time of what it called (inclusive), idle left out', () => {
    expect(s.inclusive).toEqual([
      { area: 'rkecis', ms: 6 },
      { area: 'ssh2', ms: 5 },
    ]);
    expect(s.totalByFunction.find((f) => f.fn === 'main')?.ms).toBe(6);
  });
});

describe('summarizeTrace', () => {
  const conn = (lstats: number, forwards: number, ready: number): ConnTrace => ({
    at: { handshake: ready / 2, ready },
    packets: {
      'out KEXINIT': 1,
      'out CHANNEL_DATA': lstats,
      'sftp out LSTAT': lstats,
      'in CHANNEL_DATA': lstats,
    },
    sftp: { lstat: lstats },
    paths: { 'lstat /etc': 2, 'lstat /etc/kubernetes': 1 },
    forwards,
  });

  it('gives the median node and the paths asked for twice', () => {
    const t = summarizeTrace([conn(40, 6, 100), conn(50, 6, 300), conn(60, 8, 200)]);
    expect(t.nodes).toBe(3);
    expect(t.perNode).toMatchObject({
      packetsOut: 51,
      packetsIn: 50,
      sftpRequests: 50,
      dockerForwards: 6,
      pathRequests: 3,
      distinctPaths: 2,
      sftpByKind: { lstat: 50 },
      milestonesMs: { handshake: 100, ready: 200 },
    });
    expect(t.repeatedPaths).toEqual({ 'lstat /etc': 2 });
  });
});

describe('clusterTableMarkdown', () => {
  const machine = {
    cpu: 'AMD EPYC',
    cores: 2,
    memory: '23.5 GiB',
    node: 'v20.20.2',
    os: 'Linux 6.1',
    virtualization: 'KVM',
    loadAverageAtStart: [0.1, 0.2, 0.3],
    nodeExtraCaCerts: false,
  };
  const row = (nodes: number, concurrency: number, wall: number) => ({
    nodes,
    concurrency,
    runs: 3,
    wallMs: { median: wall, min: wall - 100, max: wall + 100, samples: [] },
    rkecis: { userS: 0.8, sysS: 0.2, cpuMsPerNode: 9.5, peakRssKiB: 90 * 1024 },
    simulated: { sshdCpuS: 3, dockerdCpuS: 0.2, cpuMsPerNode: 32 },
    loadAverage: [0.5],
  });
  const md = clusterTableMarkdown(
    machine,
    {
      fleet: '100 simulated nodes',
      engine: 'unix:///x',
      rows: [row(10, 10, 1200), row(100, 10, 3900)],
      manual: [
        {
          nodes: 10,
          concurrency: 10,
          nodesMs: 30_000,
          clusterMs: 2000,
          totalMs: 32_000,
          auditsPerNode: 120,
          clusterAudits: 7,
        },
        {
          nodes: 20,
          concurrency: 10,
          nodesMs: 50_000,
          clusterMs: 2000,
          totalMs: 52_000,
          auditsPerNode: 120,
          clusterAudits: 7,
        },
      ],
      speedups: [{ nodes: 10, concurrency: 10, ratio: 26.7 }],
      plot: 'x.svg',
    },
    '2026-12-04T01:00:00.000Z',
    [0.4, 0.3, 0.2],
  );
  const rows = md.split('\n').filter((l) => /^\| [\d,]+ \|/.test(l));

  it('names the machine, its load and the Node.js version', () => {
    expect(md).toContain('2 cores (AMD EPYC, KVM VM)');
    expect(md).toContain('Node.js v20.20.2');
    expect(md).toContain('load average 0.1 0.2 0.3 at start, 0.4 0.3 0.2 at end');
  });

  it('gives each measured row its figures, and the guide beside rkecis where both ran', () => {
    expect(rows).toEqual([
      '| 10 | 10 | 1.20 s (3 runs, 1.10 s–1.30 s) | 9.5 ms (0.8 s user + 0.2 s sys) | 32 ms | 90 MiB | 32.00 s | 26.7× |',
      '| 100 | 10 | 3.90 s (3 runs, 3.80 s–4.00 s) | 9.5 ms (0.8 s user + 0.2 s sys) | 32 ms | 90 MiB | — | — |',
      '| 20 | 10 | — | — | — | — | 52.00 s | — |',
    ]);
    // Every row has as many cells as the header.
    const cells = (l: string): number => l.split('|').length;
    const header = md.split('\n').find((l) => l.startsWith('| nodes'));
    for (const r of rows) expect(cells(r)).toBe(cells(header ?? ''));
  });
});

describe('clusterTableMarkdown, far nodes', () => {
  it('gives the far-nodes run its own table, with the round trip it was made at', () => {
    const md = clusterTableMarkdown(
      {
        cpu: 'AMD EPYC',
        cores: 2,
        memory: '23.5 GiB',
        node: 'v20.20.2',
        os: 'Linux 6.1',
        virtualization: 'none',
        loadAverageAtStart: [0.1],
        nodeExtraCaCerts: true,
      },
      {
        fleet: '100 simulated nodes',
        engine: 'unix:///x',
        rows: [],
        manual: [],
        speedups: [],
        far: {
          rttMs: 50,
          concurrency: 10,
          rows: [
            {
              nodes: 10,
              runs: 3,
              wallMs: [1250, 1300, 1400],
              wallMedianMs: 1300,
              cpuMsPerNode: 66,
            },
          ],
        },
        plot: 'x.svg',
      },
      '2026-12-04T01:00:00.000Z',
      [0.4],
    );
    expect(md).toContain('delays each direction by 25 ms (a 50 ms round trip');
    expect(md.split('\n').filter((l) => /^\| [\d,]+ \|/.test(l))).toEqual([
      '| 10 | 1.30 s (3 runs, 1.25 s–1.40 s) | 66 ms |',
    ]);
  });
});
