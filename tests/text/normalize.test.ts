// normalize() and lowercase() against outputs of the Moses scripts
// (normalize-punctuation.perl -l LANG, lowercase.perl) on the same inputs.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lowercase, normalize } from "../../src/text/normalize.js";

const NBSP = "\u00A0";

test("normalize: spaces around parentheses and before : ; %", () => {
  assert.equal(normalize("a  (b)c", "en"), "a (b) c");
  assert.equal(normalize("50 % of (them) ; really : yes", "en"), "50% of (them); really: yes");
  assert.equal(normalize("left ( quickly ) .", "en"), "left (quickly).");
  // Moses leaves the space it put after a line-final ")"
  assert.equal(normalize("the end (really)", "en"), "the end (really) ");
  assert.equal(normalize("done\r", "en"), "done");
});

test("normalize: unicode punctuation to ASCII", () => {
  assert.equal(normalize("He said “hello”, then left…", "en"), 'He said "hello," then left...');
  assert.equal(normalize("It’s “fine”.", "en"), "It's \"fine.\"");
  assert.equal(normalize("x – y — z ´ ‘quoted’ ‚low‘ ``tex'' `a'", "en"), "x - y - z ' \"quoted\" \"low\" \" tex \" 'a'");
  assert.equal(normalize("„Hallo“, sagte er.", "de"), '"Hallo", sagte er.');
  assert.equal(normalize("Il a dit « bonjour » .", "fr"), 'Il a dit "bonjour" .');
  assert.equal(normalize("«oui»", "fr"), '"oui"');
});

test("normalize: English moves quotes after commas and periods", () => {
  assert.equal(normalize('"Hi", she said "bye".', "en"), '"Hi," she said "bye."');
  assert.equal(normalize('a "b"... c', "en"), 'a "b..." c');
});

test("normalize: German/French move quotes before commas and periods, Czech leaves them", () => {
  assert.equal(normalize("Er sagte „Hallo.“ Dann ging er.", "de"), 'Er sagte "Hallo". Dann ging er.');
  // at the end of a line too: the newline Moses sees counts as the character after the quote
  assert.equal(normalize("Er sagte „Hallo.“", "de"), 'Er sagte "Hallo".');
  assert.equal(normalize('Er sagte "ja...", dann "nein."   <b>', "de"), 'Er sagte "ja"..., dann "nein". <b>');
  assert.equal(normalize('Il dit "oui." Puis "non,"', "fr"), 'Il dit "oui". Puis "non",');
  assert.equal(normalize('Řekl "ahoj."', "cs"), 'Řekl "ahoj."');
  // a quote right before "<" stays where it is; with a space between, it moves
  assert.equal(normalize('x."<b>', "de"), 'x."<b>');
  assert.equal(normalize('x." <b>', "de"), 'x". <b>');
});

test("normalize: no-break spaces (pseudo-spaces) and digit grouping", () => {
  assert.equal(normalize(`1${NBSP}000${NBSP}000 km et 50${NBSP}% ?${NBSP}!`, "fr"), "1,000,000 km et 50% ?!");
  assert.equal(normalize(`1${NBSP}000`, "de"), "1,000");
  assert.equal(normalize(`1${NBSP}000`, "en"), "1.000");
  assert.equal(normalize(`nº${NBSP}5, 20${NBSP}cm,${NBSP}3${NBSP}ºC`, "en"), "nº 5, 20 cm, 3 ºC");
  // an ordinary space between digits is left alone
  assert.equal(normalize("un chèque de 10 000 dollars", "fr"), "un chèque de 10 000 dollars");
});

test("normalize: lines are processed one by one, line breaks kept", () => {
  assert.equal(normalize("a ( b )\nc „d.“", "de"), "a (b) \nc \"d\".");
  assert.equal(normalize("", "en"), "");
  assert.equal(normalize("\n\n", "en"), "\n\n");
});

test("normalize: arbitrary input passes through without throwing", () => {
  const weird = "\u0000\u0001\uD800 \uDFFF e\u0301 שלום 👍🏽 \u202E RTL \u2028";
  assert.equal(normalize(weird, "en"), weird);
  const t0 = performance.now();
  const dots = ".".repeat(1 << 20);
  assert.equal(normalize(dots, "de"), dots);
  assert.equal(normalize(dots + '" x', "fr"), '"' + dots + " x");
  assert.equal(normalize('."'.repeat(1 << 19), "de").length, 1 << 20);
  assert.ok(performance.now() - t0 < 5000, "megabyte lines take linear time");
});

test("lowercase: Perl lc semantics", () => {
  assert.equal(lowercase("Hello WORLD Éa ÄÖÜ"), "hello world éa äöü");
  // Perl maps capital sigma to σ everywhere; JavaScript would give a final ς
  assert.equal(lowercase("ΟΔΟΣ ΣΑΣ"), "οδοσ σασ");
  assert.equal(lowercase("İ"), "i\u0307");
  assert.equal(lowercase("\uD800A"), "\uD800a");
});
