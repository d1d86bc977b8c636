/** Wording details of findings: JSON syntax messages and "did you mean" hints. */
import { describe, expect, it } from '@jest/globals';
import { SourceFile } from '../../src/check/source.js';
import { nearNames } from '../../src/util/suggest.js';

const syntax = (text: string) => SourceFile.load(0, 'x.json', 'x.json', text, 'machines.json').syntax;

describe('json-syntax messages', () => {
  it.each([
    ['{"a": [1, 2,\n  ]}', "Unexpected token ']'", 2, 3],
    ['{"a": 1 "b": 2}', "Expected ',' or '}' after property value", 1, 9],
    ['{"a": "x\n"}', 'Bad control character in string literal', 1, 9],
    ['', 'unexpected end of input', 1, 1],
    ['\uFEFF{"a": 1}', 'the file starts with a byte order mark (U+FEFF); save it as UTF-8 without one', 1, 1],
  ])('%j: V8 wording without its echo of the text, at the offending character', (text, message, line, column) => {
    const s = syntax(text)!;
    expect(s.message).toBe(message);
    expect(s.message).not.toMatch(/is not valid JSON|\n/);
    expect([s.line, s.column]).toEqual([line, column]);
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbouring letters as one slip', () => {
    expect(nearNames('mxp', ['mpx', 'mmx', 'pku'])).toEqual(['mpx']);
    expect(nearNames('x-pcie-ext-tga', ['x-pcie-ext-tag'])).toEqual(['x-pcie-ext-tag']);
  });

  it('does not offer names two slips away from a short name', () => {
    expect(nearNames('abc', ['cab', 'xyz'])).toEqual([]);
  });
});
