import { describe, expect, it } from 'vitest';
import { frameOf } from './fal-realtime.js';

describe('frameOf', () => {
  it('reads the frame as bytes, as fal realtime apps send it', () => {
    const content = new Uint8Array([1, 2, 3]);
    expect(frameOf({ images: [{ content, content_type: 'image/jpeg' }] })).toEqual({
      data: content,
      contentType: 'image/jpeg',
    });
  });

  it('reads the frame as a URL, which the undocumented output may carry instead', () => {
    expect(
      frameOf({ image: { url: 'https://v3.fal.media/files/frame.jpg', content_type: 'image/jpeg' } }),
    ).toEqual({
      url: 'https://v3.fal.media/files/frame.jpg',
      contentType: 'image/jpeg',
    });
    expect(frameOf({ images: [{ url: 'data:image/jpeg;base64,AA==' }] })).toEqual({
      url: 'data:image/jpeg;base64,AA==',
      contentType: undefined,
    });
  });

  it('ignores answers with no frame', () => {
    expect(frameOf({})).toBeUndefined();
    expect(frameOf({ images: [] })).toBeUndefined();
    expect(frameOf(null)).toBeUndefined();
  });
});
