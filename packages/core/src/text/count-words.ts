/** Words as the providers count them: runs of non-whitespace. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/**
 * The scripts other than Latin that a prompt uses, by share of its letters. Language cannot be
 * told reliably from a short text, but a prompt written in another script is certainly not
 * English; that is what this catches, without rejecting English with accented words.
 */
export function findNonLatinScript(text: string): string | undefined {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return undefined;
  const scripts: Array<[string, RegExp]> = [
    ['Cyrillic', /\p{Script=Cyrillic}/u],
    ['Greek', /\p{Script=Greek}/u],
    ['Arabic', /\p{Script=Arabic}/u],
    ['Hebrew', /\p{Script=Hebrew}/u],
    ['Han', /\p{Script=Han}/u],
    ['Hiragana or Katakana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
    ['Hangul', /\p{Script=Hangul}/u],
    ['Devanagari', /\p{Script=Devanagari}/u],
    ['Thai', /\p{Script=Thai}/u],
  ];
  const latin = letters.filter((letter) => /\p{Script=Latin}/u.test(letter)).length;
  if (latin / letters.length >= 0.9) return undefined;
  let best: { name: string; count: number } | undefined;
  for (const [name, pattern] of scripts) {
    const count = letters.filter((letter) => pattern.test(letter)).length;
    if (count > 0 && (best === undefined || count > best.count)) best = { name, count };
  }
  return best?.name ?? 'a non-Latin script';
}
