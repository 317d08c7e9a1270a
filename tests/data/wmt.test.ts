// The aligned-files reader (empty pairs left out and reported, nothing
// shifted, mismatched line counts refused) and the wmt-deen corpus layout,
// on fixture files written in a temporary directory; and the real corpus
// (skipped with a message when it is absent).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeSkipped, dropEmptyPairs, readAligned } from '../../src/data/corpus.js';
import { loadWmtDeen, wmtDeenPath, WMT_DEEN } from '../../src/data/wmt.js';
import { WMT_SKIP, wmtDir } from '../helpers/wmt.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 's2s-wmt-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: string[], gz = false): string {
  const p = join(dir, name);
  const text = lines.join('\n') + '\n';
  writeFileSync(p, gz ? gzipSync(Buffer.from(text, 'utf8')) : text);
  return p;
}

test('readAligned: an empty side leaves its pair out, the others keep their line numbers', () => {
  // line 3 has an empty German side, line 5 an English side of spaces; U+0085 and U+2028 do not end a line
  const de = write('a.de.gz', ['Eins.', 'Zwei\u0085 und mehr.', '', 'Vier\u2028.', 'Fünf.', 'Sechs.'], true);
  const en = write('a.en', ['One.', 'Two and more.', 'Three.', 'Four.', '   ', 'Six.']);
  const a = readAligned(de, en);
  assert.equal(a.total, 6);
  assert.deepEqual(a.emptyLines, [3, 5]);
  assert.deepEqual(a.lines, [1, 2, 4, 6]);
  assert.deepEqual(a.pairs, [
    { src: 'Eins.', tgt: 'One.' },
    { src: 'Zwei\u0085 und mehr.', tgt: 'Two and more.' },
    { src: 'Vier\u2028.', tgt: 'Four.' },
    { src: 'Sechs.', tgt: 'Six.' },
  ]);
  const line = describeSkipped('train', a);
  assert.equal(line, `train: skipped 2 of 6 pairs with an empty side (lines 3, 5 of ${de} / ${en})`);
  assert.ok(!line!.includes('\n'), 'one line');
  assert.equal(describeSkipped('train', readAligned(write('b.de', ['a']), write('b.en', ['b']))), null, 'nothing skipped: no line');
});

test('readAligned: CRLF files, a missing final newline and gzip read as the same pairs', () => {
  const plain = readAligned(write('c.de', ['a', 'b']), write('c.en', ['A', 'B']));
  writeFileSync(join(dir, 'd.de'), 'a\r\nb');
  const crlf = readAligned(join(dir, 'd.de'), write('d.en.gz', ['A', 'B'], true));
  assert.deepEqual(crlf.pairs, plain.pairs);
  assert.deepEqual(crlf.lines, [1, 2]);
});

test('readAligned: files whose line counts differ are refused with one line naming both', () => {
  const de = write('m.de.gz', ['a', 'b', 'c'], true);
  const en = write('m.en.gz', ['A', 'B'], true);
  assert.throws(() => readAligned(de, en), (e: Error) => {
    assert.equal(e.message, `parallel corpus is misaligned: ${de} has 3 lines but ${en} has 2 lines`);
    return true;
  });
});

test('describeSkipped names at most 5 lines', () => {
  const pairs = Array.from({ length: 9 }, (_, i) => ({ src: i % 2 ? 'x' : '', tgt: 'y' }));
  const a = dropEmptyPairs(pairs, 'f.tsv');
  assert.equal(describeSkipped('valid', a), 'valid: skipped 5 of 9 pairs with an empty side (lines 1, 3, 5, 7, 9 of f.tsv)');
  const b = dropEmptyPairs([...pairs, { src: '', tgt: '' }], 'f.tsv');
  assert.equal(describeSkipped('valid', b), 'valid: skipped 6 of 10 pairs with an empty side (lines 1, 3, 5, 7, 9 and 1 more of f.tsv)');
});

test('loadWmtDeen on a synthetic directory: both directions, clear errors', () => {
  const w = join(dir, 'wmt-deen');
  mkdirSync(w);
  writeFileSync(join(w, 'newstest2014.de.gz'), gzipSync('Ein Test.\n\nDrei.\n'));
  writeFileSync(join(w, 'newstest2014.en.gz'), gzipSync('A test.\nTwo.\nThree.\n'));
  writeFileSync(join(w, 'train.de.gz'), gzipSync('eins\nzwei\n'));
  writeFileSync(join(w, 'train.en.gz'), gzipSync('one\n'));
  assert.equal(wmtDeenPath(w, 'newstest2014', 'de'), join(w, 'newstest2014.de.gz'));
  const a = loadWmtDeen(w, WMT_DEEN.test, 'de', 'en');
  assert.deepEqual(a.pairs, [{ src: 'Ein Test.', tgt: 'A test.' }, { src: 'Drei.', tgt: 'Three.' }]);
  assert.deepEqual(a.emptyLines, [2]);
  assert.deepEqual(loadWmtDeen(w, 'newstest2014', 'en', 'de').pairs[1], { src: 'Three.', tgt: 'Drei.' });
  assert.throws(() => loadWmtDeen(join(dir, 'nope'), 'train', 'de', 'en'), /^Error: wmt-deen directory not found: .*nope/);
  assert.throws(() => loadWmtDeen(w, 'newstest2013', 'de', 'en'),
    (e: Error) => e.message.includes(join(w, 'newstest2013.de.gz')) && e.message.includes('newstest2014.de.gz, newstest2014.en.gz, train.de.gz'));
  assert.throws(() => loadWmtDeen(w, 'train', 'de', 'en'), /train\.de\.gz has 2 lines but .*train\.en\.gz has 1 lines/);
  assert.throws(() => loadWmtDeen(w, 'train', 'de', 'fr'), /the languages are de and en/);
  assert.throws(() => loadWmtDeen(w, 'train', 'de', 'de'), /the languages are de and en/);
});

test('wmt-deen, the real corpus: splits, pair counts, no line shifted (skipped when absent)', (t) => {
  const w = wmtDir();
  if (!w) {
    t.skip(WMT_SKIP);
    return;
  }
  const train = loadWmtDeen(w, 'train', 'de', 'en');
  // every line is a pair: the kept pairs and the skipped ones add up to the files' lines
  assert.equal(train.total, 54743);
  assert.equal(train.pairs.length + train.emptyLines.length, 54743);
  assert.ok(train.emptyLines.length <= 1, `empty pairs: ${train.emptyLines}`);
  // the German side has U+0085 inside lines: a reader splitting there would shift every later line
  assert.ok(train.pairs.some((p) => p.src.includes('\u0085')), 'U+0085 kept inside its line');
  const dev = loadWmtDeen(w, WMT_DEEN.dev, 'de', 'en');
  const test14 = loadWmtDeen(w, WMT_DEEN.test, 'de', 'en');
  assert.equal(dev.total, 3000);
  assert.equal(test14.total, 3003);
  assert.deepEqual(test14.emptyLines, []);
  // cased text, as the references are
  assert.ok(/[A-ZÄÖÜ]/.test(test14.pairs[0]!.src) && /[A-Z]/.test(test14.pairs[0]!.tgt));
  // pairs after those lines and the file's last pair are still translations of each other
  const at = (line: number) => train.pairs[train.lines.indexOf(line)]!;
  assert.match(at(2354).src, /^Der dritte Aspekt dieser Unterkunft/);
  assert.match(at(2354).tgt, /^The gloom aspect of this hotel/);
  assert.match(at(54743).src, /^Wie bei allen Aufständen/);
  assert.equal(at(54743).tgt, 'Like all insurgencies , public support - or the lack of it - will determine the outcome .');
  t.diagnostic(`train ${train.pairs.length} pairs (${train.emptyLines.length} with an empty side), dev ${dev.pairs.length}, test ${test14.pairs.length}`);
});
