import { test } from "node:test";
import assert from "node:assert/strict";
import { splitSentences } from "../../src/text/sentences.js";

test("splitSentences: at . ! ? … before a sentence start, not after prefixes or abbreviations", () => {
  assert.deepEqual(splitSentences("Ein Mann läuft. Eine Frau liest! Wer kommt? Niemand… 3 Hunde bellen.", "de"),
    ["Ein Mann läuft.", "Eine Frau liest!", "Wer kommt?", "Niemand…", "3 Hunde bellen."]);
  assert.deepEqual(splitSentences('He said "stop." Then he left.', "en"), ['He said "stop."', "Then he left."]);
  assert.deepEqual(splitSentences("Dr. Smith and Mr. Jones met in the U.S. Army today.", "en"), ["Dr. Smith and Mr. Jones met in the U.S. Army today."]);
  assert.deepEqual(splitSentences("See No. 5 here. No. That is wrong.", "en"), ["See No. 5 here.", "No.", "That is wrong."]);
  assert.deepEqual(splitSentences("ein mann läuft. eine frau liest.", "de"), ["ein mann läuft. eine frau liest."], "no sentence start: one sentence");
  assert.deepEqual(splitSentences("  one   sentence  ", "en"), ["one   sentence"]);
  assert.deepEqual(splitSentences("", "en"), []);
  assert.deepEqual(splitSentences("   ", "en"), []);
  assert.deepEqual(splitSentences("Il est là. « Bonjour », dit-il.", "fr"), ["Il est là.", "« Bonjour », dit-il."]);
});
