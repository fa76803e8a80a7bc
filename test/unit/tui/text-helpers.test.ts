import { describe, expect, it } from 'vitest';
import { fit, fitPath, formatAge, formatDuration, spinnerFrame } from '../../../src/tui/format.js';
import { fitColumns, frameLayout } from '../../../src/tui/layout.js';
import { splitArgs } from '../../../src/tui/split-args.js';

describe('format', () => {
  it('formats durations and ages in short units', () => {
    expect([350, 4200, 42_000, 245_000, 7_380_000].map(formatDuration)).toEqual(['350ms', '4.2s', '42s', '4m05s', '2h03m']);
    expect(formatAge(10_000, null)).toBe('-');
    expect(formatAge(200_000, 0)).toBe('3m');
  });

  it('fits text to an exact width', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, true)).toBe('  ab');
    expect(fit('a\nb', 3)).toBe('a b');
  });

  it('derives the spinner frame from the time alone', () => {
    expect(spinnerFrame(0)).toBe(spinnerFrame(1000));
    expect(spinnerFrame(0)).not.toBe(spinnerFrame(100));
  });
});

describe('fitPath', () => {
  it('keeps the first segment and the tail of a long path, and pads a short one', () => {
    expect(fitPath('/2009-04-04/meta-data/instance-id', 29)).toBe('/2009-04-04/…data/instance-id');
    expect(fitPath('/openstack/2018-08-27/meta_data.json', 30)).toBe('/openstack/…-27/meta_data.json');
    expect(fitPath('/latest/user-data', 20)).toBe('/latest/user-data   ');
  });

  it('drops the head when it would leave the tail less than half the width', () => {
    expect(fitPath('/2009-04-04/meta-data/instance-id', 16)).toBe('…ata/instance-id');
    expect(fitPath('/2009-04-04/meta-data/instance-id', 16)).toHaveLength(16);
  });
});

describe('layout', () => {
  it('fills rows - 1 lines at 80×24 and at 200×60', () => {
    for (const [columns, rows] of [[80, 24], [200, 60]] as const) {
      const layout = frameLayout(columns, rows);
      expect(2 + layout.bodyHeight).toBe(rows - 1);
      expect(layout.instanceRows + layout.requestRows + 4).toBe(layout.bodyHeight);
      expect(layout.detailConsoleRows + layout.detailRequestRows + 13).toBe(layout.bodyHeight);
    }
  });

  it('drops low-priority columns on narrow terminals and widens flexible ones on wide ones', () => {
    const specs = [
      { key: 'a', title: 'A', width: 10, priority: 1 },
      { key: 'b', title: 'B', width: 10, priority: 3 },
      { key: 'c', title: 'C', width: 5, priority: 2, flex: 1 },
    ] as const;
    expect(fitColumns(specs, 16).map((c) => [c.key, c.width])).toEqual([['a', 10], ['c', 5]]);
    expect(fitColumns(specs, 40).map((c) => [c.key, c.width])).toEqual([['a', 10], ['b', 10], ['c', 18]]);
    const weighted = [...specs, { key: 'd', title: 'D', width: 5, priority: 2, flex: 3 }];
    expect(fitColumns(weighted, 43).map((c) => c.width)).toEqual([10, 10, 7, 13]);
  });
});

describe('splitArgs', () => {
  it('splits like a shell for flags, quotes and escapes', () => {
    expect(splitArgs('  --name web   --count 2 ')).toEqual(['--name', 'web', '--count', '2']);
    expect(splitArgs(`--meta 'k=a b' --user-data "x \\"y\\"" a\\ b ''`)).toEqual(['--meta', 'k=a b', '--user-data', 'x "y"', 'a b', '']);
  });
});
