import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readLines, readParallel, readTextFile, readTsv, sources, splitLines, targets, zipParallel } from '../../src/data/corpus.js';
import { joinConsecutive } from '../../src/data/join.js';
import { loadMulti30k, multi30kPath } from '../../src/data/multi30k.js';
import { MULTI30K_SKIP, multi30kDir } from '../helpers/multi30k.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 's2s-corpus-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

test('splitLines: final newline, CRLF, empty lines, empty text', () => {
  assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
  assert.deepEqual(splitLines('a\nb'), ['a', 'b']);
  assert.deepEqual(splitLines('a\r\n\r\nb\r\n'), ['a', '', 'b']);
  assert.deepEqual(splitLines(''), []);
  assert.deepEqual(splitLines('\n'), ['']);
  assert.deepEqual(splitLines('a\u2028b\n'), ['a\u2028b']); // only \n ends a line
});

test('plain and gzip files read the same; BOM dropped; gzip recognized by content', () => {
  const text = '\ufeffein Hund .\nzwei Männer 😀\n';
  const plain = write('p.de', text);
  const gz = write('p.de.gz', gzipSync(Buffer.from(text, 'utf8')));
  const gzNoExt = write('p.gzipped-without-extension', gzipSync(Buffer.from(text, 'utf8')));
  const expected = ['ein Hund .', 'zwei Männer 😀'];
  assert.deepEqual(readLines(plain), expected);
  assert.deepEqual(readLines(gz), expected);
  assert.deepEqual(readLines(gzNoExt), expected);
  assert.equal(readTextFile(plain), 'ein Hund .\nzwei Männer 😀\n');
});

test('unreadable input gives clear errors', () => {
  assert.throws(() => readLines(join(dir, 'nope.txt')), new RegExp(`file not found: .*nope\\.txt`));
  assert.throws(() => readLines(dir), /expected a file but found a directory/);
  const bad = write('bad.txt', Buffer.from([0x61, 0xff, 0x62]));
  assert.throws(() => readLines(bad), /bad\.txt is not valid UTF-8/);
  const brokenGz = write('broken.gz', Buffer.concat([gzipSync(Buffer.from('hello')).subarray(0, 12)]));
  assert.throws(() => readLines(brokenGz), /cannot decompress .*broken\.gz/);
});

test('readParallel: two files, mixed plain/gzip; mismatched counts name both files and counts', () => {
  const src = write('c.de', 'a\nb\nc\n');
  const tgt = write('c.en.gz', gzipSync(Buffer.from('A\nB\nC\n')));
  const pairs = readParallel(src, tgt);
  assert.deepEqual(pairs, [
    { src: 'a', tgt: 'A' },
    { src: 'b', tgt: 'B' },
    { src: 'c', tgt: 'C' },
  ]);
  assert.deepEqual(sources(pairs), ['a', 'b', 'c']);
  assert.deepEqual(targets(pairs), ['A', 'B', 'C']);
  const short = write('short.en', 'A\nB\n');
  assert.throws(
    () => readParallel(src, short),
    (e: Error) => e.message.includes(src) && e.message.includes(short) && /has 3 lines but .* has 2 lines/.test(e.message),
  );
  // A blank line is a (empty) sentence and keeps alignment.
  assert.deepEqual(readParallel(write('e.de', 'a\n\nc\n'), write('e.en', 'A\nB\nC\n'))[1], { src: '', tgt: 'B' });
  assert.throws(() => zipParallel(['a'], [], 'left', 'right'), /left has 1 lines but right has 0 lines/);
});

test('readTsv: one pair a line, exactly one tab, plain or gzip', () => {
  const content = 'ein Hund\ta dog\nzwei\ttwo\n\tempty source\n';
  const expected = [
    { src: 'ein Hund', tgt: 'a dog' },
    { src: 'zwei', tgt: 'two' },
    { src: '', tgt: 'empty source' },
  ];
  assert.deepEqual(readTsv(write('t.tsv', content)), expected);
  assert.deepEqual(readTsv(write('t.tsv.gz', gzipSync(Buffer.from(content)))), expected);
  assert.throws(() => readTsv(write('bad1.tsv', 'a\tb\nno tab here\n')), /bad1\.tsv: line 2 has 1 tab-separated fields, expected 2/);
  assert.throws(() => readTsv(write('bad2.tsv', 'a\tb\tc\n')), /line 1 has 3 tab-separated fields/);
  assert.deepEqual(readTsv(write('empty.tsv', '')), []);
});

test('joinConsecutive: groups of n, sources and targets joined by a space, partial group dropped', () => {
  const pairs = ['1', '2', '3', '4', '5', '6', '7'].map((x) => ({ src: `s${x}`, tgt: `t${x}` }));
  assert.deepEqual(joinConsecutive(pairs, 2), [
    { src: 's1 s2', tgt: 't1 t2' },
    { src: 's3 s4', tgt: 't3 t4' },
    { src: 's5 s6', tgt: 't5 t6' },
  ]);
  assert.deepEqual(joinConsecutive(pairs, 3), [
    { src: 's1 s2 s3', tgt: 't1 t2 t3' },
    { src: 's4 s5 s6', tgt: 't4 t5 t6' },
  ]);
  assert.deepEqual(joinConsecutive(pairs, 4), [{ src: 's1 s2 s3 s4', tgt: 't1 t2 t3 t4' }]);
  assert.deepEqual(joinConsecutive(pairs, 1), pairs);
  assert.notEqual(joinConsecutive(pairs, 1)[0], pairs[0]);
  assert.deepEqual(joinConsecutive(pairs, 8), []);
  assert.deepEqual(joinConsecutive([], 2), []);
  assert.throws(() => joinConsecutive(pairs, 0), RangeError);
  assert.throws(() => joinConsecutive(pairs, 2.5), RangeError);
});

test('loadMulti30k on a synthetic directory: raw and tok layouts, clear errors', () => {
  const m = join(dir, 'm30k');
  mkdirSync(join(m, 'raw'), { recursive: true });
  mkdirSync(join(m, 'tok'), { recursive: true });
  writeFileSync(join(m, 'raw', 'val.de.gz'), gzipSync(Buffer.from('Ein Hund.\nZwei Katzen.\n')));
  writeFileSync(join(m, 'raw', 'val.en.gz'), gzipSync(Buffer.from('A dog.\nTwo cats.\n')));
  writeFileSync(join(m, 'raw', 'val.fr.gz'), gzipSync(Buffer.from('Un chien.\n')));
  writeFileSync(join(m, 'tok', 'val.lc.norm.tok.de'), 'ein hund .\nzwei katzen .\n');
  writeFileSync(join(m, 'tok', 'val.lc.norm.tok.en'), 'a dog .\ntwo cats .\n');
  assert.equal(multi30kPath(m, 'val', 'de'), join(m, 'raw', 'val.de.gz'));
  assert.equal(multi30kPath(m, 'val', 'de', { tokenized: true }), join(m, 'tok', 'val.lc.norm.tok.de'));
  assert.deepEqual(loadMulti30k(m, 'val', 'de', 'en'), [
    { src: 'Ein Hund.', tgt: 'A dog.' },
    { src: 'Zwei Katzen.', tgt: 'Two cats.' },
  ]);
  assert.deepEqual(loadMulti30k(m, 'val', 'en', 'de', { tokenized: true })[1], { src: 'two cats .', tgt: 'zwei katzen .' });
  assert.throws(() => loadMulti30k(join(dir, 'missing'), 'val', 'de', 'en'), /Multi30k directory not found: .*missing/);
  assert.throws(
    () => loadMulti30k(m, 'test', 'de', 'en'),
    (e: Error) => e.message.includes(join(m, 'raw', 'test.de.gz')) && e.message.includes('val.de.gz, val.en.gz, val.fr.gz'),
  );
  assert.throws(() => loadMulti30k(m, 'val', 'de', 'fr'), /val\.de\.gz has 2 lines but .*val\.fr\.gz has 1 lines/);
  rmSync(join(m, 'tok'), { recursive: true });
  assert.throws(() => loadMulti30k(m, 'val', 'de', 'en', { tokenized: true }), /has no tok\/ folder/);
});

test('loadMulti30k on the real data (skipped when absent)', (t) => {
  const m = multi30kDir();
  if (!m) {
    t.skip(MULTI30K_SKIP);
    return;
  }
  const train = loadMulti30k(m, 'train', 'de', 'en', { tokenized: true });
  assert.equal(train.length, 29000);
  assert.deepEqual(train[0], {
    src: 'zwei junge weiße männer sind im freien in der nähe vieler büsche .',
    tgt: 'two young , white males are outside near many bushes .',
  });
  const raw = loadMulti30k(m, 'train', 'en', 'fr');
  assert.equal(raw.length, 29000);
  assert.equal(raw[0]!.src, 'Two young, White males are outside near many bushes.');
  assert.equal(loadMulti30k(m, 'val', 'de', 'en').length, 1014);
  assert.equal(loadMulti30k(m, 'test_2016_flickr', 'de', 'en', { tokenized: true }).length, 1000);
  const joined = joinConsecutive(loadMulti30k(m, 'val', 'de', 'en'), 3);
  assert.equal(joined.length, 338);
  t.diagnostic(`val joined by 3: ${joined.length} pairs`);
});
