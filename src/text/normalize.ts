// Punctuation normalisation and lowercasing in the manner of the Moses scripts
// normalize-punctuation.perl (default options, i.e. not -penn) and
// lowercase.perl, as of the Moses snapshot that made Multi30k's
// tok/*.lc.norm.tok.* files (commit 3a0631a, December 2017).
//
// normalize-punctuation.perl works on bytes, not characters (it sets no
// UTF-8 layer), so its \d and [a-z]//i are ASCII-only and its \s is ASCII
// whitespace; the character classes below are written out to match. Every
// pattern here is linear-time: none can backtrack over a long run of input.

/** Language codes with rules of their own in Moses; any other string gets the generic rules. */
export type MosesLang = "en" | "de" | "fr" | (string & {});

/** ASCII whitespace, the \s of a Perl regex on a byte string. */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * The German/French/Spanish rule `s/(\.+)\"(\s*[^<])/\"$1$2/g` ("don't fix
 * period at end of sentence"): a quote right after one or more periods moves
 * in front of them, unless the quote ends the line or only spaces and a `<`
 * follow it. Written as a scan because the regex, run by a backtracking
 * engine, takes quadratic time on a long run of periods with no quote.
 */
function moveQuoteBeforePeriods(s: string): string {
  let out = "";
  let copied = 0; // s[..copied) is already in out
  let from = 0; // where the next match may start (the regex's pos())
  let q = s.indexOf('"', from);
  while (q !== -1) {
    let p = q;
    while (p > from && s.charCodeAt(p - 1) === 0x2e) p--;
    if (p < q) {
      // (\s*[^<]): greedy spaces, then one character that is not "<"; if that
      // fails, backtrack one space and let it be the [^<].
      let j = q + 1;
      while (j < s.length && isAsciiSpace(s.charCodeAt(j))) j++;
      let end = -1;
      if (j < s.length && s.charCodeAt(j) !== 0x3c) end = j + 1;
      else if (j > q + 1) end = j;
      if (end !== -1) {
        out += s.slice(copied, p) + '"' + s.slice(p, q) + s.slice(q + 1, end);
        copied = from = end;
        q = s.indexOf('"', from);
        continue;
      }
    }
    q = s.indexOf('"', q + 1);
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** One line, including its terminating "\n" (which some rules can see). */
function normalizeLine(s: string, lang: string): string {
  s = s.replace(/\r/g, "");
  // remove extra spaces around parentheses and before : ; %
  s = s.replace(/\(/g, " (");
  s = s.replace(/\)/g, ") ");
  s = s.replace(/ {2,}/g, " ");
  s = s.replace(/\) ([.!:?;,])/g, ")$1");
  s = s.replace(/\( /g, "(");
  s = s.replace(/ \)/g, ")");
  s = s.replace(/([0-9]) %/g, "$1%");
  s = s.replace(/ :/g, ":");
  s = s.replace(/ ;/g, ";");
  // normalize unicode punctuation (the non -penn branch first)
  s = s.replace(/`/g, "'");
  s = s.replace(/''/g, ' " ');
  s = s.replace(/„/g, '"');
  s = s.replace(/“/g, '"');
  s = s.replace(/”/g, '"');
  s = s.replace(/–/g, "-");
  s = s.replace(/—/g, " - ");
  s = s.replace(/ {2,}/g, " ");
  s = s.replace(/´/g, "'");
  s = s.replace(/([A-Za-z])‘([A-Za-z])/g, "$1'$2");
  s = s.replace(/([A-Za-z])’([A-Za-z])/g, "$1'$2");
  s = s.replace(/‘/g, '"');
  s = s.replace(/‚/g, '"');
  s = s.replace(/’/g, '"');
  s = s.replace(/''/g, '"');
  // (Moses' s/´´/"/ comes here; it can never match, ´ being gone already.)
  s = s.replace(/…/g, "...");
  // French quotes
  s = s.replace(/ « /g, ' "');
  s = s.replace(/« /g, '"');
  s = s.replace(/«/g, '"');
  s = s.replace(/ » /g, '" ');
  s = s.replace(/ »/g, '"');
  s = s.replace(/»/g, '"');
  // handle pseudo-spaces (no-break spaces before punctuation and units)
  s = s.replace(/\u00A0%/g, "%");
  s = s.replace(/nº\u00A0/g, "nº ");
  s = s.replace(/\u00A0:/g, ":");
  s = s.replace(/\u00A0ºC/g, " ºC");
  s = s.replace(/\u00A0cm/g, " cm");
  s = s.replace(/\u00A0\?/g, "?");
  s = s.replace(/\u00A0!/g, "!");
  s = s.replace(/\u00A0;/g, ";");
  s = s.replace(/,\u00A0/g, ", ");
  s = s.replace(/ {2,}/g, " ");

  if (lang === "en") {
    // English "quotation," followed by comma, style
    s = s.replace(/"([,.]+)/g, '$1"');
  } else if (lang === "cs" || lang === "cz") {
    // Czech is left alone
  } else {
    // German/Spanish/French "quotation", followed by comma, style
    s = s.replace(/,"/g, '",');
    s = moveQuoteBeforePeriods(s);
  }

  // a no-break space between digits is a thousands separator
  const sep = lang === "de" || lang === "es" || lang === "cz" || lang === "cs" || lang === "fr" ? "," : ".";
  s = s.replace(/([0-9])\u00A0([0-9])/g, `$1${sep}$2`);
  return s;
}

/**
 * Moses normalize-punctuation.perl -l LANG, default options. In order:
 * delete CR; put a space before "(" and after ")", squeeze spaces, then
 * remove the space between ")" and . ! : ? ; , and inside the parentheses,
 * between a digit and "%", and before ":" and ";"; ` becomes ', '' becomes
 * " (spaced); „ “ ” become "; – becomes -, — becomes " - "; ´ becomes ';
 * ‘ and ’ between two ASCII letters become ', elsewhere they (and ‚) become ";
 * … becomes "..."; « » become " (absorbing the inner space); a no-break
 * space before % : ? ! ; or after "nº" and "," is removed or made a space;
 * spaces are squeezed. Then, for "en", a quote before commas/periods moves
 * after them ('"hi",' stays, '"hi".' becomes 'hi."'); for "cs"/"cz" nothing;
 * for every other language ,"  becomes ", and a quote after periods moves
 * before them unless the quote ends the line. Last, a no-break space between
 * two digits becomes "," (de, es, cs, cz, fr) or "." (other languages).
 *
 * Each "\n"-separated line is processed as Moses processes a
 * newline-terminated line of a file (so '."' at the end of a line does get
 * swapped in de/fr, as in the Multi30k files); line breaks are kept, and so
 * is the trailing space Moses leaves after a line-final ")". Any string is
 * accepted; characters other than those above pass through unchanged
 * (including control characters, lone surrogates and NUL), and the run time
 * is linear in the length of the text.
 */
export function normalize(text: string, lang: MosesLang): string {
  if (text.indexOf("\n") === -1) return normalizeLine(text + "\n", lang).slice(0, -1);
  return text
    .split("\n")
    .map((line) => normalizeLine(line + "\n", lang).slice(0, -1))
    .join("\n");
}

/**
 * Moses lowercase.perl: Perl's lc(), the full Unicode lowercase mapping with
 * no context rules. It differs from String.prototype.toLowerCase() only for
 * capital sigma, which Perl always maps to σ (JavaScript uses ς at the end
 * of a word). "İ" becomes "i̇" (i + U+0307) in both.
 */
export function lowercase(text: string): string {
  return text.replace(/\u03A3/g, "\u03C3").toLowerCase();
}
