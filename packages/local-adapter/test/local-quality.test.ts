import { createBackdrop } from '@backdrop/core/node';
import { type FixtureName, fixtureNames, readFixture } from '@backdrop/testkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createLocal } from '../src/index.js';
import { intersectionOverUnion, meanDifference } from './mask-measures.js';

const backdrop = createBackdrop({ providers: [createLocal()] });

// Reference masks: the engine's cut-outs before it was made faster (fp16 model through
// onnxruntime's casts, two decodes), alpha scaled to 320 pixels wide.
// Every testkit photo but the one that is already a cut-out.
const photos = fixtureNames.filter(
  (name): name is FixtureName => !name.endsWith('.mp4') && name !== 'solidus_notebook.png',
);

async function alphaAt320(image: Uint8Array | string): Promise<Buffer> {
  return sharp(image).extractChannel(3).resize({ width: 320 }).raw().toBuffer();
}

describe('local engine: cut-outs keep their quality', () => {
  it.for(photos)(
    '%s: the mask matches the reference (IoU at least 0.98)',
    { timeout: 120_000 },
    async (name, { annotate }) => {
      const result = await backdrop.removeBackground({ image: await readFixture(name) });
      const mask = await alphaAt320(Buffer.from((await result.outputs[0]?.bytes()) ?? new Uint8Array()));
      const reference = await sharp(
        new URL(`./reference-masks/${name.replace(/\.\w+$/, '')}.png`, import.meta.url).pathname,
      )
        .extractChannel(0)
        .raw()
        .toBuffer();
      expect(mask.length).toBe(reference.length);
      const overlap = intersectionOverUnion(mask, reference);
      const difference = meanDifference(mask, reference);
      await annotate(`IoU ${overlap.toFixed(4)}, mean alpha difference ${difference.toFixed(2)} levels`);
      expect(overlap).toBeGreaterThanOrEqual(0.98);
      expect(difference).toBeLessThan(2);
    },
  );

  it('writes WebP with alpha for cut-outs and JPEG for replaced backgrounds, smaller than PNG', async () => {
    const image = await readFixture('dogs.jpg');
    const png = await backdrop.removeBackground({ image });
    const webp = await backdrop.removeBackground({ image, outputFormat: 'webp' });
    expect(webp.outputs[0]?.contentType).toBe('image/webp');
    const webpBytes = (await webp.outputs[0]?.bytes()) ?? new Uint8Array();
    const pngBytes = (await png.outputs[0]?.bytes()) ?? new Uint8Array();
    expect(webpBytes.byteLength).toBeLessThan(pngBytes.byteLength);
    const webpMask = await alphaAt320(Buffer.from(webpBytes));
    expect(intersectionOverUnion(webpMask, await alphaAt320(Buffer.from(pngBytes)))).toBeGreaterThan(0.99);

    const jpeg = await backdrop.replaceBackground({ image, backgroundColor: 'white', outputFormat: 'jpeg' });
    const jpegBytes = (await jpeg.outputs[0]?.bytes()) ?? new Uint8Array();
    expect(jpeg.outputs[0]?.contentType).toBe('image/jpeg');
    expect(await sharp(jpegBytes).metadata()).toMatchObject({ format: 'jpeg', width: 1072, height: 603 });
  }, 120_000);

  it('refuses JPEG for a cut-out before any work, naming the field', async () => {
    await expect(
      // @ts-expect-error: jpeg has no alpha, so the types refuse it too
      backdrop.removeBackground({ image: await readFixture('dogs.jpg'), outputFormat: 'jpeg' }),
    ).rejects.toThrow('outputFormat');
  });
});
