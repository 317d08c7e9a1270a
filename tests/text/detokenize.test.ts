// detokenize() rule by rule (expected lines are what Moses detokenizer.perl
// -l LANG prints), and round trips through tokenize().
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { detokenize, unescapeMoses } from "../../src/text/detokenize.js";
import { tokenize, tokenizeToArray } from "../../src/text/tokenize.js";

test("detokenize: English contractions, possessives, punctuation", () => {
  assert.equal(
    detokenize("Don &apos;t do it , John &apos;s 1990 &apos;s cars can &apos;t .", "en"),
    "Don't do it, John's 1990's cars can't.",
  );
  assert.equal(detokenize("the Jones &apos; house", "en"), "the Jones' house");
  assert.equal(detokenize("&apos; quoted &apos; text", "en"), "'quoted' text");
});

test("detokenize: quotes pair up, opening attaches right and closing left", () => {
  assert.equal(detokenize("he said &quot; hello , world &quot; and left .", "en"), 'he said "hello, world" and left.');
  assert.equal(detokenize("&quot; a &quot; b &quot; c &quot;", "de"), '"a" b "c"');
  assert.equal(detokenize("„ Hallo “ , sagte er .", "de"), "„Hallo“, sagte er.");
});

test("detokenize: currency and brackets attach to the next token", () => {
  assert.equal(detokenize("it costs $ 5 ( about € 4 ) .", "en"), "it costs $5 (about €4).");
  assert.equal(detokenize("¿ que ? ¡ si !", "en"), "¿que? ¡si!");
  assert.equal(detokenize("a &#91; b &#93; { c }", "en"), "a [b] {c}");
});

test("detokenize: French elision and spaced punctuation", () => {
  assert.equal(detokenize("l&apos; homme d&apos; affaires est là ?", "fr"), "l'homme d'affaires est là ?");
  assert.equal(detokenize("il dit : &quot; oui &quot; .", "fr"), 'il dit : "oui".');
  assert.equal(detokenize("l&apos; .", "fr"), "l'.");
  // in English the same tokens do not join
  assert.equal(detokenize("l&apos; homme", "en"), "l' homme");
});

test("detokenize: German uses the generic rules", () => {
  assert.equal(detokenize("der Mann , der 3,5 kg wiegt , läuft .", "de"), "der Mann, der 3,5 kg wiegt, läuft.");
});

test("detokenize: unescaping and aggressive dashes", () => {
  assert.equal(detokenize("a @-@ b &amp; c &#124; d &lt; e &gt; f &#91; g &#93;", "en"), "a-b & c | d < e > f [g]");
  assert.equal(detokenize("&amp;lt; literal", "en"), "&lt; literal");
  assert.equal(unescapeMoses("&bar;&bra;&ket;&quot;&apos;&amp;amp;"), '|[]"\'&amp;');
});

test("detokenize: CJK words join, tokens may come as an array", () => {
  assert.equal(detokenize("中文 字 and 한국 어", "en"), "中文字 and 한국어");
  assert.equal(detokenize(["Hello", ",", "world", "!"], "en"), "Hello, world!");
  assert.equal(detokenize([], "en"), "");
});

test("detokenize: whitespace, XML-tag lines, line breaks, odd characters", () => {
  assert.equal(detokenize("", "en"), "");
  assert.equal(detokenize("  \t ", "en"), "");
  assert.equal(detokenize("<tag attr=1>", "en"), "<tag attr=1>");
  // line breaks count as spaces; as in Moses, empty tokens between double
  // spaces stop punctuation from attaching to the word before them
  assert.equal(detokenize("a  b ,\nc\r\nd", "en"), "a b, c d");
  assert.equal(detokenize("a  b  ,", "en"), "a b ,");
  assert.equal(detokenize("x \uD800 \u0000 👍 🏽 שלום .", "en"), "x \uD800 \u0000 👍 🏽 שלום.");
  const long = "word , ".repeat(1 << 17);
  const t0 = performance.now();
  assert.equal(detokenize(long, "en"), "word, ".repeat(1 << 17).slice(0, -1));
  assert.ok(performance.now() - t0 < 5000);
});

const ROUND_TRIPS: [string, string][] = [
  ["en", "A man in a blue shirt is standing on a ladder."],
  ["en", "Two young, White males are outside near many bushes."],
  ["en", "It's John's car, isn't it?"],
  ["en", 'He said "hello, world" and left.'],
  ["en", "Mr. Smith paid $5 (about €4) for 3,000 apples."],
  ["en", "The dogs' owner is here... Wait!"],
  ["en", "A & B [D] | E: 50% off!"],
  ["de", "Der Mann, der 3,5 kg wiegt, läuft am 5. Mai nach Hause."],
  ["de", "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche."],
  ["de", "Er sagte: \"Ich komme z.B. morgen.\""],
  ["fr", "L'homme d'affaires qu'il connaît est là aujourd'hui."],
  ["fr", "Deux jeunes hommes blancs sont dehors près de buissons."],
  ["fr", "Qu'est-ce que c'est ?"],
  ["fr", "Il m'a dit : \"Viens !\""],
];

test("detokenize(tokenize(x)) round-trips typical sentences", () => {
  for (const [lang, s] of ROUND_TRIPS) {
    assert.equal(detokenize(tokenize(s, lang), lang), s, `${lang}: ${s}`);
    assert.equal(detokenize(tokenizeToArray(s, lang), lang), s, `${lang} (array): ${s}`);
  }
});
