import { createBackdrop } from '@backdrop/core/node';
import { fixturePath, readFixture, readPixel } from '@backdrop/testkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createLocal } from '../src/index.js';
import { loadSession, modelSourceOf } from '../src/local-model.js';

const backdrop = createBackdrop({ providers: [createLocal()] });

describe('local engine: images, offline', () => {
  it('cuts out a product photo: RGBA PNG, input size kept, background clear, subject solid', async () => {
    const result = await backdrop.removeBackground({ image: fixturePath('ruby_mug.jpg') });
    expect(result).toMatchObject({ provider: 'local', model: 'isnet-medium', estimatedCostUsd: 0 });
    const png = (await result.outputs[0]?.bytes()) ?? new Uint8Array();
    const metadata = await sharp(png).metadata();
    expect([metadata.format, metadata.width, metadata.height, metadata.channels]).toEqual([
      'png',
      1200,
      1200,
      4,
    ]);
    expect((await readPixel(png, 20, 20))[3]).toBe(0);
    expect((await readPixel(png, 1180, 1180))[3]).toBe(0);
    const mug = await readPixel(png, 600, 640);
    expect(mug[3]).toBe(255);
    expect(mug[0]).toBeGreaterThan(mug[1] + 60);
  }, 60_000);

  it('keeps the fine edges of fur as partial alpha', async () => {
    const result = await backdrop.removeBackground({ image: await readFixture('chelsea.png') });
    const { data, info } = await sharp((await result.outputs[0]?.bytes()) ?? new Uint8Array())
      .raw()
      .toBuffer({ resolveWithObject: true });
    let partial = 0;
    for (let index = 3; index < data.length; index += info.channels)
      if ((data[index] ?? 0) > 0 && (data[index] ?? 0) < 255) partial++;
    expect([info.width, info.height]).toEqual([451, 300]);
    expect(partial).toBeGreaterThan(0);
  }, 60_000);

  it('replaces the background with a reference image, cover-fitted, or a plain colour', async () => {
    const wall = await sharp({
      create: { width: 300, height: 100, channels: 3, background: { r: 20, g: 60, b: 200 } },
    })
      .jpeg()
      .toBuffer();
    const referenced = await backdrop.replaceBackground({
      image: fixturePath('ruby_mug.jpg'),
      referenceImage: new Uint8Array(wall),
    });
    const withWall = (await referenced.outputs[0]?.bytes()) ?? new Uint8Array();
    const corner = await readPixel(withWall, 10, 10);
    expect(corner[2]).toBeGreaterThan(150);
    expect(corner[0]).toBeLessThan(60);
    expect((await sharp(withWall).metadata()).width).toBe(1200);

    const coloured = await backdrop.replaceBackground({
      image: fixturePath('ruby_mug.jpg'),
      backgroundColor: '#ffcc00',
    });
    const [red, green, blue] = await readPixel(
      (await coloured.outputs[0]?.bytes()) ?? new Uint8Array(),
      10,
      10,
    );
    expect([red, green, blue]).toEqual([255, 204, 0]);
  }, 60_000);

  it('refuses a prompt offline and says where prompts work', async () => {
    await expect(
      backdrop.replaceBackground({ image: fixturePath('ruby_mug.jpg'), prompt: 'a beach' }),
    ).rejects.toThrow(
      'prompt: local engine cannot replace a background from a prompt; prompts need a generative model: use fal or inference.sh for that (set FAL_KEY or INFERENCE_API_KEY)',
    );
  });

  it('turns photos upright by their EXIF orientation', async () => {
    const sideways = await sharp(await readFixture('ruby_mug.jpg'))
      .resize(300, 200, { fit: 'fill' })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const result = await backdrop.removeBackground({ image: new Uint8Array(sideways) });
    const metadata = await sharp((await result.outputs[0]?.bytes()) ?? new Uint8Array()).metadata();
    expect([metadata.width, metadata.height]).toEqual([200, 300]);
  }, 60_000);

  it('loads the model once per process', () => {
    const source = modelSourceOf({});
    expect(loadSession(source)).toBe(loadSession(source));
  });

  it('keeps the event loop turning while the model works (inference runs in a worker thread)', async () => {
    await backdrop.removeBackground({ image: fixturePath('dogs.jpg') });
    // On the main thread, onnxruntime would block for the whole run (a second and more): no
    // timer could fire until it ended. In its worker, the loop stays free throughout.
    let ticks = 0;
    let ticksDuringInference = 0;
    const timer = setInterval(() => ticks++, 20);
    const session = await loadSession(modelSourceOf({}));
    const input = new Float32Array(3 * 1024 * 1024).fill(0.25);
    const running = session.run(input, [1, 3, 1024, 1024]);
    const ticksAtStart = ticks;
    const output = await running;
    ticksDuringInference = ticks - ticksAtStart;
    clearInterval(timer);
    expect(input.byteLength).toBe(0); // moved to the worker, not copied
    expect(output).toHaveLength(1024 * 1024);
    expect(ticksDuringInference).toBeGreaterThan(2);
  }, 120_000);

  it('names a model file it cannot read', async () => {
    const broken = createBackdrop({ providers: [createLocal({ modelPath: '/nonexistent/model.onnx' })] });
    const error = await broken.removeBackground({ image: fixturePath('ruby_mug.jpg') }).then(
      () => new Error('expected a rejection'),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toBe('modelPath: cannot read /nonexistent/model.onnx');
  });
});
