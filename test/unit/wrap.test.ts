/** Text output respects the terminal width (issue #12 item 4); machine formats and piped output never wrap. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { LineWrapper, MIN_WIDTH, outputWidth, wrapLine } from '../../src/cli/wrap.js';
import { runCli } from '../support/cli.js';

const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('the width', () => {
  it('COLUMNS wins, then the terminal; never below the minimum; piped without COLUMNS: none', () => {
    expect(outputWidth({ COLUMNS: '100' }, 80)).toBe(100);
    expect(outputWidth({}, 80)).toBe(80);
    expect(outputWidth({ COLUMNS: '10' }, undefined)).toBe(MIN_WIDTH);
    expect(outputWidth({ COLUMNS: 'wide' }, undefined)).toBeUndefined();
    expect(outputWidth({}, undefined)).toBeUndefined();
  });
});

describe('wrapLine', () => {
  it('breaks at spaces with a hanging indent, and cuts a word wider than the line', () => {
    expect(wrapLine('  alpha beta gamma delta', 14)).toEqual(['  alpha beta', '      gamma', '      delta']);
    expect(wrapLine('/machine/peripheral-anon/device[12]/x', 20)).toEqual(['/machine/peripheral-', '    anon/device[12]/', '    x']);
    expect(wrapLine('short', 40)).toEqual(['short']);
  });

  it('counts colour codes as taking no room', () => {
    const red = '\u001b[31mred\u001b[39m';
    expect(wrapLine(`${red} ${red} ${red}`, 11)).toEqual([`${red} ${red} ${red}`]);
  });

  it('keeps every character and never exceeds the width (plain text)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', '/'), maxLength: 300 }), fc.integer({ min: MIN_WIDTH, max: 120 }), (line, width) => {
      const lines = wrapLine(line, width);
      for (const l of lines) expect(strip(l).length).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/ /g, '')).toBe(line.replace(/ /g, ''));
    }), { seed: 12, numRuns: 300 });
  });

  it('LineWrapper wraps whole lines as they come and the rest at the end', () => {
    let out = '';
    const w = new LineWrapper((s) => { out += s; }, 40);
    w.out('x'.repeat(30) + ' ');
    expect(out).toBe('');
    w.out('y'.repeat(30) + '\nz');
    w.end();
    expect(out).toBe(`${'x'.repeat(30)}\n    ${'y'.repeat(30)}\nz`);
  });
});

describe('commands', () => {
  const argv = ['resolve', '-M', 'pc-i440fx-2.4'];
  it('text output fits COLUMNS; without COLUMNS (piped) lines are whole', async () => {
    const wrapped = await runCli(argv, { env: { QOM_COMPAT_CACHE: '0', COLUMNS: '60' } });
    const lines = wrapped.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    const whole = await runCli(argv);
    expect(Math.max(...whole.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(60);
    expect(wrapped.stdout.replace(/\s+/g, ' ')).toBe(whole.stdout.replace(/\s+/g, ' '));
  });

  it('help fits COLUMNS too', async () => {
    for (const command of ['check', 'resolve', 'abi-check']) {
      const help = await runCli([command, '--help'], { env: { QOM_COMPAT_CACHE: '0', COLUMNS: '60' } });
      expect([command, Math.max(...help.stdout.split('\n').map((l) => l.length)) <= 60]).toEqual([command, true]);
    }
  });

  it('JSON is never wrapped', async () => {
    const json = await runCli([...argv, '--format', 'json'], { env: { QOM_COMPAT_CACHE: '0', COLUMNS: '40' } });
    expect(json.stdout).toBe((await runCli([...argv, '--format', 'json'])).stdout);
    const check = await runCli(['check', '--format', 'github'], { env: { QOM_COMPAT_CACHE: '0', COLUMNS: '40' } });
    expect(Math.max(...check.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(200);
  });
});
