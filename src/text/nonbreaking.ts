// Non-breaking prefixes for the Moses tokenizer (tokenizer.perl), for English,
// German and French: the entries of the Moses files
// scripts/share/nonbreaking_prefixes/nonbreaking_prefix.{en,de,fr}.
//
// A word of the form PREFIX + "." keeps its period attached when PREFIX is in
// the list of the language. An entry marked NUMERIC_ONLY (written
// "No #NUMERIC_ONLY#" in the Moses files) keeps the period only when the next
// word starts with an ASCII digit ("No. 5" stays, "No. That" splits). Entries
// are case-sensitive, exactly as in Moses: after lowercasing, "Mr." is no
// longer a prefix, while lowercase entries such as "e.g", "vs" or "pp" are.

/** How a prefix protects its period: 1 = always, 2 = only before a digit (NUMERIC_ONLY). */
export type PrefixKind = 1 | 2;

const UPPER = "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z";
const LOWER = "a b c d e f g h i j k l m n o p q r s t u v w x y z";
const ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX";

/** Titles shared by the English and German lists (the German list lacks Drs and Hr). */
const TITLES_DE =
  "Adj Adm Adv Asst Bart Bldg Brig Bros Capt Cmdr Col Comdr Con Corp Cpl DR Dr Ens Gen Gov Hon Hosp " +
  "Insp Lt MM MR MRS MS Maj Messrs Mlle Mme Mr Mrs Ms Msgr Op Ord Pfc Ph Prof Pvt Rep Reps Res Rev Rt " +
  "Sen Sens Sfc Sgt Sr St Supt Surg";

/** nonbreaking_prefix.en: initials, titles, misc, numeric-only markers, months. */
const EN = {
  always: [
    UPPER,
    TITLES_DE, "Drs Hr",
    // misc: odd period-ending items that never indicate breaks
    "v vs i.e rev e.g Rs",
    "Nos Nr",
    // month abbreviations ("May" is a full word)
    "Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec",
  ],
  numericOnly: ["No Art pp"],
};

/** nonbreaking_prefix.de: initials (both cases), Roman numerals, titles, abbreviations, ordinals 1-99. */
const DE = {
  always: [
    UPPER, LOWER,
    ROMAN, ROMAN.toLowerCase(),
    TITLES_DE,
    "Mio Mrd bzw v vs usw d.h z.B u.a etc MwSt ggf d.J D.h m.E vgl I.F z.T sogen ff u.E g.U g.g.A " +
      "c.-à-d Buchst u.s.w sog u.ä Std evtl Zt Chr u.U o.ä Ltd b.A z.Zt spp sen SA k.o jun i.H.v dgl " +
      "dergl Co zzt usf s.p.a Dkr bzgl BSE",
    // number indicators (the German file marks none of them NUMERIC_ONLY)
    "No Nos Art Nr pp ca Ca",
    // ordinals: "1." = "1st"
    Array.from({ length: 99 }, (_, i) => String(i + 1)).join(" "),
  ],
  numericOnly: [] as string[],
};

/** nonbreaking_prefix.fr: initials (lowercase "a" excluded: it is a word), abbreviations. */
const FR = {
  always: [
    UPPER, LOWER.replace(/^a /, ""),
    "A.C.N A.M art ann apr av auj lib B.P boul ca c.-à-d cf ch.-l chap contr C.P.I C.Q.F.D C.N C.N.S " +
      "C.S dir éd e.g env al etc E.V ex fasc fém fig Fig fr hab ibid id i.e inf LL.AA LL.AA.II LL.AA.RR " +
      "LL.AA.SS L.D LL.EE LL.MM LL.MM.II.RR loc.cit masc MM ms N.B N.D.A N.D.L.R N.D.T n/réf NN.SS N.S " +
      "N.D N.P.A.I p.c.c pl pp p.ex p.j P.S R.A.S R.-V R.P R.I.P SS S.S S.A S.A.I S.A.R S.A.S S.E sec " +
      "sect sing S.M S.M.I.R sq sqq suiv sup suppl tél T.S.V.P vb vol vs X.O Z.I",
  ],
  numericOnly: [] as string[],
};

function build(src: { always: string[]; numericOnly: string[] }): ReadonlyMap<string, PrefixKind> {
  const m = new Map<string, PrefixKind>();
  for (const group of src.always) for (const w of group.split(" ")) if (w) m.set(w, 1);
  // Later lines win in Moses' hash, and no word is listed both ways, so order is moot.
  for (const group of src.numericOnly) for (const w of group.split(" ")) if (w) m.set(w, 2);
  return m;
}

const TABLES: ReadonlyMap<string, ReadonlyMap<string, PrefixKind>> = new Map([
  ["en", build(EN)],
  ["de", build(DE)],
  ["fr", build(FR)],
]);

/**
 * The non-breaking prefix table of a language: prefix (without its period)
 * to kind. Languages without a list of their own ("it", "es", ...) get the
 * English list, as tokenizer.perl falls back to nonbreaking_prefix.en.
 */
export function nonbreakingPrefixes(lang: string): ReadonlyMap<string, PrefixKind> {
  return TABLES.get(lang) ?? (TABLES.get("en") as ReadonlyMap<string, PrefixKind>);
}
