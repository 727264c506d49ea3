import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Real photographs and one video, copied from shared fixtures with their licences (fixtures/README.md). */
export const fixtureNames = [
  'ruby_mug.jpg',
  'groceries.jpg',
  'astronaut.png',
  'dogs.jpg',
  'truck.jpg',
  'coffee.png',
  'chelsea.png',
  'solidus_notebook.png',
  '05_default_juggle.mp4',
] as const;

export type FixtureName = (typeof fixtureNames)[number];

export function fixturePath(name: FixtureName): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export async function readFixture(name: FixtureName): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(fixturePath(name)));
}
