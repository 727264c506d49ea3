/** What a merchant asked a job to do with each image (stored as JSON on the job). */
export type OperationSettings =
  | { kind: 'remove'; background: 'transparent' | 'white' }
  | { kind: 'color'; color: string }
  | { kind: 'prompt'; prompt: string; negativePrompt?: string | undefined; seed?: number | undefined }
  | { kind: 'reference'; referenceImage: string };

/** The operations a merchant can choose, as the forms name them. */
export const operationChoices = [
  'remove-transparent',
  'remove-white',
  'color',
  'prompt',
  'reference',
] as const;

export type ProviderChoice = 'auto' | 'local' | 'fal' | 'inferencesh';
export const providerChoices: readonly ProviderChoice[] = ['auto', 'local', 'fal', 'inferencesh'];

const hexColor = /^#[0-9a-f]{6}$/i;

/** Reads the operation form; every problem names its field. */
export function parseOperationSettings(form: FormData): OperationSettings {
  const kind = String(form.get('operation') ?? '');
  const text = (name: string) => String(form.get(name) ?? '').trim();
  switch (kind) {
    case 'remove-transparent':
      return { kind: 'remove', background: 'transparent' };
    case 'remove-white':
      return { kind: 'remove', background: 'white' };
    case 'color': {
      const color = text('color');
      if (!hexColor.test(color))
        throw new SettingsError('color', `must be a colour like #f4f4f4; got "${color}"`);
      return { kind: 'color', color: color.toLowerCase() };
    }
    case 'prompt': {
      const prompt = text('prompt');
      if (!prompt) throw new SettingsError('prompt', 'must describe the new scene; it is empty');
      const seedText = text('seed');
      const seed = seedText === '' ? undefined : Number(seedText);
      if (seed !== undefined && (!Number.isInteger(seed) || seed < 0))
        throw new SettingsError('seed', `must be a whole number of at least 0; got "${seedText}"`);
      return { kind: 'prompt', prompt, negativePrompt: text('negativePrompt') || undefined, seed };
    }
    case 'reference': {
      const referenceImage = text('referenceImage');
      if (!referenceImage.startsWith('data:image/'))
        throw new SettingsError('referenceImage', 'must be an image file (PNG, JPEG or WebP)');
      return { kind: 'reference', referenceImage };
    }
    default:
      throw new SettingsError(
        'operation',
        `must be remove-transparent, remove-white, color, prompt or reference; got "${kind}"`,
      );
  }
}

export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

export function describeOperation(settings: OperationSettings): string {
  switch (settings.kind) {
    case 'remove':
      return settings.background === 'white'
        ? 'Remove background (white)'
        : 'Remove background (transparent)';
    case 'color':
      return `Plain colour ${settings.color}`;
    case 'prompt':
      return `Scene: “${settings.prompt}”`;
    case 'reference':
      return 'Scene from a reference image';
  }
}
