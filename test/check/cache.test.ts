/**
 * The result cache of `qom-compat check`: a hit gives what a full run gives,
 * any change to an input is a miss, and a broken cache only costs a full run.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { BASE_DIR } from './support.js';

let work: string;
let defs: string;
let cache: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'qom-compat-cache-'));
  defs = join(work, 'x86_64');
  cache = join(work, 'cache');
  cpSync(BASE_DIR, defs, { recursive: true });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const check = (...args: string[]) => runCli(['check', defs, '--format', 'json', ...args], { env: { QOM_COMPAT_CACHE_DIR: cache } });
const uncached = () => runCli(['check', defs, '--format', 'json']);
const entries = () => { try { return readdirSync(cache).filter((n) => n.endsWith('.json')); } catch { return []; } };

describe('check result cache', () => {
  it('stores a run and answers the same inputs from it', async () => {
    const first = await check();
    expect(entries()).toHaveLength(1);
    // Prove the second answer comes from the entry: mark it, and see the mark.
    const [entry] = entries();
    const stored = JSON.parse(readFileSync(join(cache, entry!), 'utf8'));
    stored.findings[0].message = 'from the cache';
    writeFileSync(join(cache, entry!), JSON.stringify(stored));
    const second = await check();
    expect(JSON.parse(second.stdout)[0].message).toBe('from the cache');
    expect(second.code).toBe(first.code);
    expect(first.stdout).toBe((await uncached()).stdout);
  });

  it('misses when any definition file changes, and reports the change', async () => {
    const before = await check();
    const machines = join(defs, 'machines.json');
    writeFileSync(machines, readFileSync(machines, 'utf8').replace(/"value": "[^"]*"/, '"value": "not-a-number-or-bool"'));
    const after = await check();
    expect(entries()).toHaveLength(2);
    expect(after.stdout).not.toBe(before.stdout);
    expect(after.stdout).toBe((await uncached()).stdout);
  });

  it('ignores a corrupt or foreign entry and recomputes', async () => {
    const clean = await check();
    const [entry] = entries();
    for (const junk of ['{"findings": [', '{"findings": [{"rule": "no-such-rule"}], "filesChecked": 1}', 'null']) {
      writeFileSync(join(cache, entry!), junk);
      const again = await check();
      expect(again.stdout).toBe(clean.stdout);
      expect(again.code).toBe(clean.code);
    }
  });

  it('--no-cache and QOM_COMPAT_CACHE=0 neither read nor write it', async () => {
    await check('--no-cache');
    expect(entries()).toHaveLength(0);
    await runCli(['check', defs], { env: { QOM_COMPAT_CACHE_DIR: cache, QOM_COMPAT_CACHE: '0' } });
    expect(entries()).toHaveLength(0);
  });

  it('an unwritable cache directory costs nothing but the shortcut', async () => {
    writeFileSync(cache, 'a file where the directory should be');
    const run = await check();
    expect(run.stdout).toBe((await uncached()).stdout);
    expect(run.stderr).toBe('');
  });
});
