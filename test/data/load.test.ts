import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable, STDIN_NAME } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { failure, loadText, OK, rowsOf } from './helpers.js';

const ok = (name: string) => join(OK, name);

describe('loadTable on good but unusual files', () => {
  it('reads a UTF-8 BOM and CRLF line ends', async () => {
    const t = await loadTable(ok('bom-crlf.csv'));
    expect(t.header).toEqual(['x', 'y']);
    expect(rowsOf(t)).toEqual([[1], [3]]);
    expect(Array.from(t.y!)).toEqual([2, 4]);
    expect(Array.from(t.lines)).toEqual([2, 3]);
  });

  it.each([
    ['semicolon.csv', ';'],
    ['tab.tsv', '\t'],
  ])('detects the delimiter of %s', async (name, delimiter) => {
    const t = await loadTable(ok(name));
    expect(t.delimiter).toBe(delimiter);
    expect(t.features).toEqual(['a', 'b']);
    expect(rowsOf(t)).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(Array.from(t.y!)).toEqual([3, 6]);
  });

  it('takes an explicit delimiter, by character or by name', async () => {
    for (const delimiter of ['\t', 'tab', '\\t']) {
      const t = await loadTable(ok('tab.tsv'), { delimiter });
      expect(t.delimiter).toBe('\t');
      expect(t.d).toBe(2);
    }
    // Forcing the wrong one turns each line into one column named by the whole line.
    const t = await loadText('a,b;c\n12;3\n', { delimiter: ';' });
    expect(t.features).toEqual(['a,b']);
    expect(t.header).toEqual(['a,b', 'c']);
    expect([t.x[0], t.y![0]]).toEqual([12, 3]);
  });

  it('unquotes quoted fields and doubled quotes in names', async () => {
    const t = await loadTable(ok('quoted.csv'));
    expect(t.header).toEqual(['x', 'the "y", quoted']);
    expect(t.target).toBe('the "y", quoted');
    expect(rowsOf(t)).toEqual([[1.5], [-3]]);
    expect(Array.from(t.y!)).toEqual([2, 40]);
  });

  it('ignores a text column that is not selected, even with a quoted delimiter in it', async () => {
    const t = await loadTable(ok('text-id.csv'), { features: ['x'] });
    expect(t.features).toEqual(['x']);
    expect(t.featureColumns).toEqual([1]);
    expect(rowsOf(t)).toEqual([[1], [3]]);
  });

  it('still checks an unselected text column for ragged rows', async () => {
    const err = await failure(loadText('id,x,y\na,1,2\nb,c,3,4\n', { features: ['x'] }));
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location?.line).toBe(3);
  });

  it('names columns x1..xD, y without a header', async () => {
    const t = await loadTable(ok('no-header.csv'), { header: false });
    expect(t.header).toEqual(['x1', 'x2', 'y']);
    expect(rowsOf(t)).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(Array.from(t.lines)).toEqual([1, 2]);
  });

  it('names every column a feature (x1..xC) without a header when no target is required', async () => {
    const t = await loadTable(ok('no-header.csv'), { header: false, requireTarget: false });
    expect(t.header).toEqual(['x1', 'x2', 'x3']);
    expect(t.target).toBeNull();
    expect(t.y).toBeNull();
    expect(t.d).toBe(3);
  });

  it('skips blank lines and reports each row at its own line', async () => {
    const t = await loadTable(ok('blank-lines.csv'));
    expect(rowsOf(t)).toEqual([[1], [3]]);
    expect(Array.from(t.lines)).toEqual([4, 7]);
  });

  it('counts lines inside a multi-line quoted field', async () => {
    const t = await loadTable(ok('multiline-quoted.csv'), { features: ['x'] });
    expect(Array.from(t.lines)).toEqual([2, 4]);
    const err = await failure(loadText('note,x,y\n"a\nb\nc",1,2\nd,3,\n', { features: ['x'] }));
    expect((err as DataError).location).toEqual({ file: STDIN_NAME, line: 5, column: 'y' });
  });

  it('accepts the usual ways of writing a number', async () => {
    const t = await loadTable(ok('number-forms.csv'));
    expect(rowsOf(t).flat()).toEqual([1, 0.001, 3, 7, -0, 12]);
    expect(Object.is(t.x[4], -0)).toBe(true);
    expect(Array.from(t.y!)).toEqual([-2.5, 0.5, 5, 100, 0.000001, 0]);
  });

  it.each(['cr-only.csv', 'no-trailing-newline.csv'])('reads %s', async (name) => {
    const t = await loadTable(ok(name));
    expect(rowsOf(t)).toEqual([[1], [3]]);
    expect(Array.from(t.y!)).toEqual([2, 4]);
  });

  it('reads UTF-16LE text with a byte order mark (as Excel saves "Unicode text")', async () => {
    const t = await loadTable(ok('utf16le-tab.txt'));
    expect(t.header).toEqual(['x', 'y']);
    expect(rowsOf(t)).toEqual([[1], [3.5]]);
  });

  it('trims spaces around header names', async () => {
    const t = await loadTable(ok('whitespace-header.csv'), { target: 'y' });
    expect(t.header).toEqual(['x', 'y']);
  });

  it('allows an unnamed column (a pandas index) when it is not selected', async () => {
    const t = await loadTable(ok('pandas-index.csv'), { features: ['x'] });
    expect(rowsOf(t)).toEqual([[1], [3]]);
    expect(Array.from(t.y!)).toEqual([2, 4]);
  });

  it('accepts a single data row', async () => {
    const t = await loadTable(ok('single-row.csv'));
    expect(t.n).toBe(1);
    expect(t.x[0]).toBe(0.5);
    expect(t.y![0]).toBe(1.5);
  });
});

describe('column selection', () => {
  const text = 'a,b,c,d\n1,2,3,4\n5,6,7,8\n';

  it('defaults to the last column as target and every other column as a feature', async () => {
    const t = await loadText(text);
    expect(t.target).toBe('d');
    expect(t.targetColumn).toBe(3);
    expect(t.features).toEqual(['a', 'b', 'c']);
  });

  it('selects by name or 0-based index, in the order given', async () => {
    const t = await loadText(text, { target: '0', features: ['c', '1'] });
    expect(t.target).toBe('a');
    expect(t.features).toEqual(['c', 'b']);
    expect(t.featureColumns).toEqual([2, 1]);
    expect(rowsOf(t)).toEqual([
      [3, 2],
      [7, 6],
    ]);
    expect(Array.from(t.y!)).toEqual([1, 5]);
  });

  it('prefers a header name over an index when a column is named by digits', async () => {
    const t = await loadText('0,1,y\n10,20,30\n', { target: 'y', features: ['1'] });
    expect(t.features).toEqual(['1']);
    expect(t.x[0]).toBe(20);
  });

  it('lists the available columns for an unknown one', async () => {
    const err = (await failure(loadText(text, { features: ['a', 'zz'] }))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain("no column named 'zz'");
    expect(err.message).toContain('a, b, c, d');
  });

  it('finds predict-style features in any order among extra columns, without a target', async () => {
    const t = await loadTable(ok('reordered.csv'), {
      features: ['a', 'b'],
      target: 'y',
      requireTarget: false,
      keepRaw: true,
    });
    expect(t.target).toBeNull();
    expect(t.y).toBeNull();
    expect(rowsOf(t)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(t.header).toEqual(['extra', 'b', 'a']);
    expect(t.raw).toEqual([
      ['foo', '2', '1'],
      ['bar', '4', '3'],
    ]);
  });

  it('loads the target when it is optional but present', async () => {
    const t = await loadText(text, { features: ['a'], target: 'c', requireTarget: false });
    expect(Array.from(t.y!)).toEqual([3, 7]);
  });

  it('keeps messages on one line when a quoted column name holds a line break', async () => {
    const err = (await failure(loadText('"a\nb",y\n1,x\n'))) as DataError;
    expect(err.describe()).toBe(`<stdin>:3: column 'y': non-numeric value "x"`);
    const only = (await failure(loadText('"first\r\nsecond"\n1\n'))) as DataError;
    expect(only.describe()).toContain("only column, 'first\\r\\nsecond', is the target");
    const t = await loadText('"a\nb",y\n1,2\n');
    expect(t.features).toEqual(['a\nb']);
  });

  it('keeps no raw cells unless asked', async () => {
    const t = await loadText(text);
    expect(t.raw).toBeUndefined();
  });
});

describe('missing values', () => {
  it("drops rows with an empty selected cell under 'drop' and counts them", async () => {
    const t = await loadTable(ok('missing-drop.csv'), { missing: 'drop', features: ['x'], keepRaw: true });
    // Row 1 has its empty cell in the unselected column z, so it stays.
    expect(rowsOf(t)).toEqual([[1], [4]]);
    expect(Array.from(t.y!)).toEqual([2, 6]);
    expect(t.droppedRows).toBe(2);
    expect(Array.from(t.lines)).toEqual([2, 4]);
    expect(t.raw).toEqual([
      ['1', '', '2'],
      ['4', '5', '6'],
    ]);
  });

  it("still rejects non-numeric cells under 'drop'", async () => {
    const err = (await failure(loadText('x,y\n,1\nabc,2\n', { missing: 'drop' }))) as DataError;
    expect(err.message).toContain('non-numeric value "abc"');
    expect(err.location?.line).toBe(3);
  });

  it('drops nothing by default: the first empty cell is an error', async () => {
    const err = (await failure(loadTable(ok('missing-drop.csv')))) as DataError;
    expect(err.location).toMatchObject({ line: 2, column: 'z' });
  });
});

describe('sources', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basisfit-data-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads standard input for '-' and calls it <stdin> in messages", async () => {
    const t = await loadText('x,y\n1,2\n');
    expect(t.file).toBe(STDIN_NAME);
    const err = (await failure(loadText('x,y\n1,q\n'))) as DataError;
    expect(err.describe()).toMatch(/^<stdin>:2: column 'y': /);
  });

  it('reads input that arrives in many small chunks, split mid-line and mid-number', async () => {
    const { Readable } = await import('node:stream');
    const text = `x,y\n${Array.from({ length: 500 }, (_, i) => `${i}.25,${-i}e-1`).join('\n')}\n`;
    const chunks = text.match(/[\s\S]{1,7}/g)!.map((s) => Buffer.from(s));
    const t = await loadTable('-', { stdin: Readable.from(chunks) });
    expect(t.n).toBe(500);
    expect(t.x[499]).toBe(499.25);
    expect(t.y![499]).toBe(-49.9);
    expect(t.lines[499]).toBe(501);
  });

  it('grows its buffers past the initial capacity without losing rows', async () => {
    const rows = 5000;
    const path = join(dir, 'many.csv');
    writeFileSync(path, `a,b,y\n${Array.from({ length: rows }, (_, i) => `${i},${2 * i},${3 * i}`).join('\n')}\n`);
    const t = await loadTable(path);
    expect(t.n).toBe(rows);
    expect(t.x.length).toBe(rows * 2);
    expect(t.y!.length).toBe(rows);
    for (const i of [0, 1023, 1024, 1536, rows - 1]) {
      expect([t.x[2 * i], t.x[2 * i + 1], t.y![i]]).toEqual([i, 2 * i, 3 * i]);
      expect(t.lines[i]).toBe(i + 2);
    }
  });

  it('sizes the columns from the first block and still holds every row when later rows are longer or shorter', async () => {
    // The estimate comes from the first 1 MB read: rows after it four times longer make it
    // too high (spare capacity to shed), four times shorter make it too low (growth).
    const short = (i: number) => `${i % 10},${i % 7}`;
    const long = (i: number) => `${(i % 10).toFixed(6)},${(i % 7).toFixed(6)}`;
    for (const [name, first, second] of [['longer-later', short, long], ['shorter-later', long, short]] as const) {
      const rows = 600_000;
      const split = name === 'longer-later' ? 400_000 : 150_000;
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, `x,y\n${Array.from({ length: rows }, (_, i) => (i < split ? first(i) : second(i))).join('\n')}\n`);
      const t = await loadTable(path);
      expect(t.n).toBe(rows);
      expect(t.x.length).toBe(rows);
      expect(t.y!.length).toBe(rows);
      expect(t.lines.length).toBe(rows);
      for (const i of [0, split - 1, split, rows - 1]) {
        expect([t.x[i], t.y![i], t.lines[i]]).toEqual([i % 10, i % 7, i + 2]);
      }
    }
  });

  it('detects the delimiter when the first line is longer than one read chunk', async () => {
    const { Readable } = await import('node:stream');
    const names = Array.from({ length: 5000 }, (_, i) => `column_${i}`);
    const text = `${names.join(';')}\n${names.map((_, i) => i).join(';')}\n`;
    const chunks = text.match(/[\s\S]{1,1000}/g)!.map((s) => Buffer.from(s));
    expect(chunks.length).toBeGreaterThan(50);
    const t = await loadTable('-', { stdin: Readable.from(chunks) });
    expect(t.delimiter).toBe(';');
    expect(t.d).toBe(4999);
    expect(t.x[4998]).toBe(4998);
    expect(t.y![0]).toBe(4999);
  });

  it('reports a record longer than the limit instead of buffering without bound', async () => {
    const path = join(dir, 'runaway.csv');
    writeFileSync(path, `x,y\n1,2\n"3,${'4'.repeat(17 * 1024 * 1024)}\n`);
    const err = (await failure(loadTable(path))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('row longer than');
    expect(err.location?.line).toBe(3);
  });

  it('rejects a zip archive (an .xlsx) with a clear message', async () => {
    const path = join(dir, 'book.xlsx');
    writeFileSync(path, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]));
    const err = (await failure(loadTable(path))) as DataError;
    expect(err.message).toContain('zip archive');
  });
});
