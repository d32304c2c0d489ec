// The search tokenizer, the same at index and query time on both stores. Chinese has no spaces and the
// stores' own tokenizers (FTS5 trigram, pg_trgm) find nothing shorter than three characters, so Han text
// is folded to simplified script (opencc, 血壓 → 血压) and cut into unigrams and bigrams; other text
// becomes lower-cased words with a light plural stemming, and codes such as VT-BP-200 stay whole too.
import { Converter } from 'opencc-js/t2cn';

const toSimplified = Converter({ from: 't', to: 'cn' });

/**
 * A run of Han characters, or a word of other letters and digits that may join parts with - _ . (codes);
 * Han characters are letters too, so words exclude them or 7.0可能 would be one word.
 */
const SPANS =
  /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:[-_.](?:(?!\p{Script=Han})[\p{L}\p{N}])+)*)/gu;
/** Longer terms are not indexed: no one searches a 65-character word, and the column is varchar(64). */
export const TERM_MAX_LENGTH = 64;

/** English words that match nearly every article; dropped so a natural-language query still matches. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'how',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  'the',
  'to',
  'what',
  'when',
  'with',
  'your',
  'you',
  'do',
  'does',
  'can',
  'i',
  'my',
]);

/** Folds width, case and script: the form both the index and a query are tokenised from. */
export function fold(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

/** pressures → pressure, therapies → therapy, 's dropped; short words and -ss stay. */
function stem(word: string): string {
  if (/^[0-9]/.test(word) || !/^[a-z]+$/.test(word)) return word;
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us'))
    return word.slice(0, -1);
  return word;
}

function* words(compound: string, forQuery: boolean): Generator<string> {
  const parts = compound.split(/[-_.]/);
  if (parts.length === 1) {
    if (!STOP_WORDS.has(compound)) yield stem(compound);
    return;
  }
  // A code: the whole of it always; its parts only in the index, so "bp" finds VT-BP-200 but the query
  // "VT-BP-200" does not also match every article that mentions "bp".
  yield compound;
  if (!forQuery) for (const p of parts) if (!STOP_WORDS.has(p)) yield stem(p);
}

function* hanTerms(run: string, forQuery: boolean): Generator<string> {
  const chars = Array.from(run);
  // A query of two or more characters looks for its bigrams only (a phrase, roughly); a lone character
  // looks for itself. The index holds both.
  if (!forQuery || chars.length === 1) for (const c of chars) yield c;
  for (let i = 0; i + 1 < chars.length; i++) yield chars[i]! + chars[i + 1]!;
}

function* terms(text: string, forQuery: boolean): Generator<string> {
  for (const m of fold(text).matchAll(SPANS)) {
    const produced = m[1] !== undefined ? hanTerms(m[1], forQuery) : words(m[2]!, forQuery);
    for (const t of produced) if (t.length <= TERM_MAX_LENGTH) yield t;
  }
}

/** Term frequencies of a text for the index. */
export function indexTerms(text: string, weight = 1, into = new Map<string, number>()): Map<string, number> {
  for (const t of terms(text, false)) into.set(t, (into.get(t) ?? 0) + weight);
  return into;
}

/** The distinct terms a query must all match. */
export function queryTerms(text: string): string[] {
  return [...new Set(terms(text, true))];
}
