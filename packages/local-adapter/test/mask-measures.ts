/** Masks compared as people see them: solid where alpha is at least half. */
export function intersectionOverUnion(first: Uint8Array, second: Uint8Array): number {
  let intersection = 0;
  let union = 0;
  for (let index = 0; index < first.length; index++) {
    const inFirst = (first[index] ?? 0) >= 128;
    const inSecond = (second[index] ?? 0) >= 128;
    if (inFirst && inSecond) intersection++;
    if (inFirst || inSecond) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/** Mean absolute difference of two masks, in alpha levels (0-255). */
export function meanDifference(first: Uint8Array, second: Uint8Array): number {
  let total = 0;
  for (let index = 0; index < first.length; index++)
    total += Math.abs((first[index] ?? 0) - (second[index] ?? 0));
  return total / first.length;
}

/** Flicker: the mean alpha change between consecutive frames, in alpha levels (0-255). */
export function flicker(masks: readonly Uint8Array[]): number {
  let total = 0;
  for (let index = 1; index < masks.length; index++)
    total += meanDifference(masks[index] as Uint8Array, masks[index - 1] as Uint8Array);
  return total / Math.max(1, masks.length - 1);
}
