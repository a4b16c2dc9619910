/**
 * UnicodeScripts: cuts text where the Unicode script changes, the way HF does it:
 *
 *   - Hiragana, Katakana and the prolonged sound mark U+30FC count as Han, so Japanese stays whole;
 *   - the plain space U+0020 (and any unassigned code point) belongs to no script: it never starts a
 *     piece and sticks to the piece before it;
 *   - Common (digits, punctuation, other spaces) and Inherited (combining marks) are scripts of their
 *     own, so they split from the letters around them.
 *
 *   "Hello 世界の方!" -> "Hello " | "世界の方" | "!"
 *
 * One HF quirk is kept: spaces at the very start of the text belong to no piece and are dropped.
 */
import { slicePiece } from '../pipeline/piece-ops.js';
import type { Piece, PreTokenizer } from '../pipeline/types.js';

/** Script names (Unicode long names) tried in this order; those the JS engine does not know are skipped. */
const SCRIPT_NAMES = `Latin Common Inherited Han Hiragana Katakana Hangul Cyrillic Greek Arabic Hebrew Thai
Devanagari Bengali Tamil Telugu Kannada Malayalam Gujarati Gurmukhi Oriya Sinhala Lao Tibetan Myanmar
Georgian Armenian Ethiopic Khmer Mongolian Bopomofo Yi Thaana Syriac Nko Cherokee Canadian_Aboriginal
Ogham Runic Tagalog Hanunoo Buhid Tagbanwa Limbu Tai_Le New_Tai_Lue Buginese Tai_Tham Balinese Sundanese
Batak Lepcha Ol_Chiki Vai Bamum Javanese Cham Tai_Viet Meetei_Mayek Saurashtra Kayah_Li Rejang Tifinagh
Coptic Glagolitic Braille Syloti_Nagri Phags_Pa Samaritan Mandaic Adlam Ahom Anatolian_Hieroglyphs
Avestan Bassa_Vah Bhaiksuki Brahmi Carian Caucasian_Albanian Chakma Chorasmian Cuneiform Cypriot
Cypro_Minoan Deseret Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Gothic Grantha
Gunjala_Gondi Hanifi_Rohingya Hatran Imperial_Aramaic Inscriptional_Pahlavi Inscriptional_Parthian Kaithi
Kawi Kharoshthi Khitan_Small_Script Khojki Khudawadi Linear_A Linear_B Lisu Lycian Lydian Mahajani
Makasar Manichaean Marchen Masaram_Gondi Medefaidrin Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs
Miao Modi Mro Multani Nabataean Nag_Mundari Nandinagari Newa Nushu Nyiakeng_Puachue_Hmong Old_Hungarian
Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur
Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phoenician Psalter_Pahlavi Sharada Shavian Siddham
SignWriting Sogdian Sora_Sompeng Soyombo Takri Tangsa Tangut Tirhuta Toto Ugaritic Vithkuqi Wancho
Warang_Citi Yezidi Zanabazar_Square`
  .split(/\s+/)
  .filter((s) => s.length > 0);

let tests: [string, RegExp][] | undefined;
const cache = new Map<number, string>();

/** The script HF assigns to a code point ("Any" for the space and unassigned code points; kana and U+30FC as Han). */
function fixedScript(cp: number): string {
  if (cp === 0x20) return 'Any';
  if (cp === 0x30fc) return 'Han';
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  tests ??= SCRIPT_NAMES.flatMap((name): [string, RegExp][] => {
    try {
      return [[name, new RegExp(`^\\p{Script=${name}}$`, 'u')]];
    } catch {
      return [];
    }
  });
  const ch = String.fromCodePoint(cp);
  // Unassigned code points have no script: like the space, they stick to the piece before them.
  let script = 'Any';
  for (const [name, re] of tests) {
    if (re.test(ch)) {
      script = name === 'Hiragana' || name === 'Katakana' ? 'Han' : name;
      break;
    }
  }
  cache.set(cp, script);
  return script;
}

/** Start offsets (UTF-16) of the pieces, then the end of the text. */
function cuts(text: string): number[] {
  const out: number[] = [];
  let last: string | null = null;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const script = fixedScript(cp);
    if (script !== 'Any' && last !== script) out.push(i);
    if (script !== 'Any') last = script;
    i += cp > 0xffff ? 2 : 1;
  }
  out.push(text.length);
  return out;
}

/**
 * @example
 * ```ts
 * const out: string[] = [];
 * new UnicodeScripts().splitString('Hello 世界の方!', out); // ['Hello ', '世界の方', '!']
 * ```
 */
export class UnicodeScripts implements PreTokenizer {
  readonly type = 'UnicodeScripts';
  splitString(text: string, out: string[]): void {
    const c = cuts(text);
    for (let k = 0; k + 1 < c.length; k++) out.push(text.slice(c[k], c[k + 1]));
  }
  preTokenize(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const p of pieces) {
      const c = cuts(p.text);
      for (let k = 0; k + 1 < c.length; k++) out.push(slicePiece(p, c[k]!, c[k + 1]!));
    }
    return out;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
