import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseAssignments } from '../../src/trace/index.js';

describe('parseAssignments (--at)', () => {
  it('reads name=value pairs in order, with spaces and every number form', () => {
    const at = parseAssignments(' x1=1.5, x2 = -0.5,y_2=.25,z=1e-3,_w=+2E2 ');
    expect(at).toEqual({ x1: 1.5, x2: -0.5, y_2: 0.25, z: 0.001, _w: 200 });
    expect(Object.keys(at)).toEqual(['x1', 'x2', 'y_2', 'z', '_w']);
  });

  it('stores a name like __proto__ as a plain entry', () => {
    const at = parseAssignments('__proto__=1');
    expect(Object.keys(at)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(at, '__proto__')?.value).toBe(1);
  });

  it.each([
    ['', '--at is empty'],
    ['x1=1,,x2=2', '--at item 2 is empty'],
    ['x1:1.5', "--at item 1 'x1:1.5' is not name=value"],
    ['1x=2', "--at item 1: '1x' is not a variable name"],
    ['=2', "--at item 1: '' is not a variable name"],
    ['sin=1', "--at item 1: 'sin' is a function name"],
    ['x=abc', "--at item 1: the value of x is 'abc', which is not a finite number"],
    ['x=', "the value of x is ''"],
    ['x=1e999', "the value of x is '1e999', which is not a finite number"],
    ['x=NaN', "the value of x is 'NaN'"],
    ['x=1,y=2,x=3', '--at gives x twice (items 1 and 3)'],
  ])('%j is refused: %s', (text, message) => {
    let caught: unknown;
    try {
      parseAssignments(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toContain(message);
    expect((caught as UsageError).message).not.toContain('\n');
    expect((caught as UsageError).hint).toBeTruthy();
  });
});
