import { describe, expect, it } from 'vitest';
import { BackdropError } from '../errors/backdrop-error.js';
import { removeBackgroundSchema, replaceBackgroundSchema } from './image-schemas.js';
import { parseRequest } from './parse-request.js';
import { realtimeVideoSchema, removeVideoBackgroundSchema } from './video-schemas.js';

function failure(schema: Parameters<typeof parseRequest>[0], value: unknown): BackdropError {
  try {
    parseRequest(schema, value, 'operation');
  } catch (error) {
    if (BackdropError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

const image = 'https://example.com/photo.png';

describe('request validation', () => {
  it.each([
    [
      'seed',
      { image, prompt: 'beach', seed: -1 },
      'seed: must be a whole number from 0 to 2147483647; got -1',
    ],
    [
      'seed',
      { image, prompt: 'beach', seed: 1.5 },
      'seed: must be a whole number from 0 to 2147483647; got 1.5',
    ],
    ['seed', { image, prompt: 'beach', seed: 2147483648 }, 'got 2147483648'],
    [
      'seed',
      { image, prompt: 'beach', seed: '7' },
      'seed: must be a whole number from 0 to 2147483647; got "7"',
    ],
    ['count', { image, prompt: 'beach', count: 0 }, 'count: must be a whole number of at least 1; got 0'],
    ['count', { image, prompt: 'beach', count: 2.5 }, 'got 2.5'],
    ['prompt', { image, prompt: '   ' }, 'prompt: must not be empty'],
    [
      'prompt',
      { image },
      'prompt: a prompt, a referenceImage or a backgroundColor is required; got none of them',
    ],
    [
      'qualityMode',
      { image, prompt: 'beach', qualityMode: 'ultra' },
      'qualityMode: must be one of fast, base, high_control; got "ultra"',
    ],
    [
      'refinePrompt',
      { image, prompt: 'beach', refinePrompt: 'yes' },
      'refinePrompt: must be true or false; got "yes"',
    ],
    ['image', { prompt: 'beach' }, 'image: must be an http(s) URL, a data URI'],
    ['image', { image: 42, prompt: 'beach' }, 'got 42'],
    [
      'negative_prompt',
      { image, prompt: 'beach', negative_prompt: 'x' },
      '"negative_prompt": not an option of operation',
    ],
    [
      'timeoutMs',
      { image, prompt: 'beach', timeoutMs: -5 },
      'timeoutMs: must be a positive number of milliseconds; got -5',
    ],
    [
      'maxRetries',
      { image, prompt: 'beach', maxRetries: 11 },
      'maxRetries: must be a whole number from 0 to 10; got 11',
    ],
    [
      'webhookUrl',
      { image, prompt: 'beach', webhookUrl: 'ftp://hooks' },
      'webhookUrl: must be an http(s) URL; got "ftp://hooks"',
    ],
    ['onProgress', { image, prompt: 'beach', onProgress: 'log' }, 'onProgress: must be a function'],
  ])(
    'replaceBackground rejects a bad %s with the field, the rule and the value',
    (field, request, message) => {
      const error = failure(replaceBackgroundSchema, request);
      expect(error.code).toBe('invalid_input');
      expect(error.field).toBe(field);
      expect(error.message).toContain(message);
    },
  );

  it('takes a plain background colour on its own, and refuses it with a prompt or reference', () => {
    expect(
      parseRequest(replaceBackgroundSchema, { image, backgroundColor: 'White' }, 'replaceBackground')
        .backgroundColor,
    ).toBe('white');
    const error = failure(replaceBackgroundSchema, { image, prompt: 'beach', backgroundColor: '#ffffff' });
    expect(error.field).toBe('backgroundColor');
    expect(error.message).toContain('a backgroundColor replaces the background by itself');
    expect(failure(replaceBackgroundSchema, { image, backgroundColor: 'teal' }).message).toContain(
      'backgroundColor: must be one of black',
    );
  });

  it('accepts a reference image without a prompt and defaults count to 1', () => {
    const parsed = parseRequest(
      replaceBackgroundSchema,
      { image, referenceImage: image },
      'replaceBackground',
    );
    expect(parsed.count).toBe(1);
    expect(parsed.prompt).toBeUndefined();
  });

  it('rejects a request that is not an object', () => {
    expect(failure(removeBackgroundSchema, 'photo.png').message).toBe(
      'operation: the request must be an object',
    );
  });

  it('lists every problem, naming the first field', () => {
    const error = failure(replaceBackgroundSchema, { image, prompt: 'beach', seed: -1, count: 0 });
    expect(error.field).toBe('seed');
    expect(error.message).toContain('seed:');
    expect(error.message).toContain('count:');
  });

  it.each([
    [
      { video: image, background: 'purple' },
      'background',
      'background: must be "transparent", "blur", a colour',
    ],
    [
      { video: image, background: { type: 'blur', strength: 101 } },
      'background.strength',
      'background.strength: must be a whole number from 0 to 100; got 101',
    ],
    [{ video: image, container: 'mp4_av1' }, 'container', 'container: must be one of mp4_h264'],
    [{ video: image, keepAudio: 1 }, 'keepAudio', 'keepAudio: must be true or false; got 1'],
    [{ video: image, pollIntervalMs: 10 }, 'pollIntervalMs', 'got 10'],
  ])('removeVideoBackground rejects %j', (request, field, message) => {
    const error = failure(removeVideoBackgroundSchema, request);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('normalizes background shorthands', () => {
    const parse = (background: unknown) =>
      parseRequest(removeVideoBackgroundSchema, { video: image, background }, 'removeVideoBackground')
        .background;
    expect(parse('transparent')).toEqual({ type: 'transparent' });
    expect(parse('blur')).toEqual({ type: 'blur', strength: 50 });
    expect(parse('green')).toEqual({ type: 'color', color: 'green' });
    expect(parse('#FF8800')).toEqual({ type: 'color', color: '#ff8800' });
    expect(parse({ type: 'blur' })).toEqual({ type: 'blur', strength: 50 });
    expect(parse(undefined)).toEqual({ type: 'transparent' });
  });

  it('bounds realtime options', () => {
    expect(failure(realtimeVideoSchema, { maxFramesInFlight: 9 }).message).toContain(
      'maxFramesInFlight: must be a whole number from 1 to 8; got 9',
    );
    expect(parseRequest(realtimeVideoSchema, {}, 'connectRealtimeVideo').background).toEqual({
      type: 'color',
      color: 'black',
    });
  });
});
