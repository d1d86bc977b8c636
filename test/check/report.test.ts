/** Reporters: GitHub workflow-command escaping, colour, summary wording. */
import { describe, expect, it } from '@jest/globals';
import { Chalk } from 'chalk';
import { escapeData, escapeProperty, formatGithub } from '../../src/check/report-github.js';
import { formatText, summaryLine } from '../../src/check/report-text.js';
import type { Finding } from '../../src/check/rules.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  rule: 'compat-value-invalid', severity: 'error', file: 'machines/x86_64/machines.json', line: 12, column: 34,
  path: '$.groups[0].entries[1].value', key: "$.groups['compat-9.1'].entries['hpet.timers'].value", message: "can't apply global hpet.timers=256: Parameter 'timers' expects uint8_t", ...over,
});

describe('github reporter', () => {
  it('escapes data and properties as the Actions toolkit does', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('one command per finding, warnings as ::warning', () => {
    const out = formatGithub({ findings: [finding(), finding({ rule: 'compat-noop', severity: 'warning', file: 'dir,1/m.json', hint: 'drop it' })], filesChecked: 2, reportedFiles: [], notes: [] });
    expect(out.split('\n')).toEqual([
      "::error file=machines/x86_64/machines.json,line=12,col=34,title=qom-compat compat-value-invalid::can't apply global hpet.timers=256: Parameter 'timers' expects uint8_t%0A(at $.groups[0].entries[1].value)",
      "::warning file=dir%2C1/m.json,line=12,col=34,title=qom-compat compat-noop::can't apply global hpet.timers=256: Parameter 'timers' expects uint8_t%0Ahint: drop it%0A(at $.groups[0].entries[1].value)",
      '1 error, 1 warning in 2 files',
      '',
    ]);
  });
});

describe('text reporter', () => {
  it('colours severities when colour is on, and not otherwise', () => {
    const result = { findings: [finding(), finding({ severity: 'warning', rule: 'compat-noop' })], filesChecked: 1, reportedFiles: [], notes: [] };
    expect(formatText(result, new Chalk({ level: 1 }))).toContain('\u001b[31merror  \u001b[39m');
    expect(formatText(result, new Chalk({ level: 1 }))).toContain('\u001b[33mwarning\u001b[39m');
    expect(formatText(result, new Chalk({ level: 0 }))).not.toContain('\u001b[');
  });

  it('prints notes on borrowed context before the summary', () => {
    const out = formatText({ findings: [], filesChecked: 1, reportedFiles: [], notes: ['checked against machines/x86_64/types.json (not in corpus)'] }, new Chalk({ level: 0 }));
    expect(out).toBe('note: checked against machines/x86_64/types.json (not in corpus)\nno problems in 1 file\n');
  });

  it('summary counts errors, warnings and the files they are in', () => {
    expect(summaryLine({ findings: [], filesChecked: 4, reportedFiles: [], notes: [] })).toBe('no problems in 4 files');
    expect(summaryLine({ findings: [finding(), finding(), finding({ severity: 'warning', file: 'b.json' })], filesChecked: 4, reportedFiles: [], notes: [] }))
      .toBe('2 errors, 1 warning in 2 files');
  });
});
