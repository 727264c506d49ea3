import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ImageOutputFormat, imageOutputFormats } from '@backdrop/core';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export const providerChoices = ['fal', 'inferencesh', 'local'] as const;
export type ProviderChoice = (typeof providerChoices)[number];

interface Common {
  provider: ProviderChoice | undefined;
  json: boolean;
}

export interface ReplaceFlags {
  prompt: string | undefined;
  reference: string | undefined;
  color: string | undefined;
  negativePrompt: string | undefined;
  seed: number | undefined;
  count: number | undefined;
}

export type Command =
  | { name: 'help'; topic: string | undefined }
  | { name: 'version' }
  | ({
      name: 'remove';
      input: string;
      output: string | undefined;
      format: Exclude<ImageOutputFormat, 'jpeg'> | undefined;
    } & Common)
  | ({
      name: 'replace';
      input: string;
      output: string | undefined;
      format: ImageOutputFormat | undefined;
    } & ReplaceFlags &
      Common)
  | ({
      name: 'video';
      input: string;
      output: string | undefined;
      background: string | undefined;
      container: string | undefined;
      audio: boolean;
    } & Common)
  | ({
      name: 'batch';
      directory: string;
      operation: 'remove' | 'replace';
      outputDirectory: string;
      concurrency: number;
      /** A `redis://` URL: enqueue on it for `backdrop worker`s and follow, instead of running here. */
      queue: string | undefined;
    } & ReplaceFlags &
      Common)
  | ({
      name: 'worker';
      queue: string;
      concurrency: number;
      /** How long a dead worker's jobs stay locked before another takes them over. */
      stallTimeoutSeconds: number;
      /** Move a job whose provider keeps failing to the next configured one (core's fallback). */
      fallback: boolean;
    } & Common)
  | { name: 'providers'; json: boolean }
  | { name: 'resume'; handleFile: string; json: boolean };

export type CommandName = Exclude<Command['name'], 'help' | 'version'>;

/** `--format`: one of the formats the command can write (a cut-out keeps alpha, so no JPEG). */
function formatOf<Format extends ImageOutputFormat>(
  value: string | undefined,
  formats: readonly Format[],
  command: string,
): Format | undefined {
  if (value === undefined) return undefined;
  const format = value.toLowerCase() === 'jpg' ? 'jpeg' : value.toLowerCase();
  if (!(formats as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${formats.join(' or ')}; got "${value}"`, command);
  return format as Format;
}

/** A mistake in how the command was written: exit code 2, nothing was sent anywhere. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

const common = {
  provider: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
const replaceOptions = {
  prompt: { type: 'string' },
  ref: { type: 'string' },
  color: { type: 'string' },
  'negative-prompt': { type: 'string' },
  seed: { type: 'string' },
  count: { type: 'string' },
} as const;

function wholeNumber(flag: string, value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number))
    throw new UsageError(`--${flag} must be a whole number; got "${value}"`, command);
  return number;
}

function queueOf(value: string | undefined, command: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^rediss?:\/\/[^/]/i.test(value))
    throw new UsageError(
      `--queue must be a redis:// or rediss:// URL; got "${value.replace(/\/\/[^@/]*@/, '//***@')}"`,
      command,
    );
  return value;
}

function concurrencyOf(value: string | undefined, command: string, fallback: number): number {
  const concurrency = wholeNumber('concurrency', value, command) ?? fallback;
  if (concurrency < 1 || concurrency > 64)
    throw new UsageError(`--concurrency must be from 1 to 64; got ${concurrency}`, command);
  return concurrency;
}

function providerOf(value: string | undefined, command: string): ProviderChoice | undefined {
  if (value === undefined) return undefined;
  if (!(providerChoices as readonly string[]).includes(value)) {
    throw new UsageError(`--provider must be one of ${providerChoices.join(', ')}; got "${value}"`, command);
  }
  return value as ProviderChoice;
}

function replaceFlags(values: Record<string, unknown>, command: string): ReplaceFlags {
  const flags: ReplaceFlags = {
    prompt: values.prompt as string | undefined,
    reference: values.ref as string | undefined,
    color: values.color as string | undefined,
    negativePrompt: values['negative-prompt'] as string | undefined,
    seed: wholeNumber('seed', values.seed as string | undefined, command),
    count: wholeNumber('count', values.count as string | undefined, command),
  };
  const ways = [flags.prompt, flags.reference, flags.color].filter((value) => value !== undefined).length;
  if (ways !== 1) {
    throw new UsageError(
      ways === 0
        ? 'say what the new background is: --prompt <text>, --ref <image> or --color <colour>'
        : 'give one of --prompt, --ref and --color, not several',
      command,
    );
  }
  return flags;
}

function single(positionals: string[], what: string, command: string): string {
  if (positionals.length === 0) throw new UsageError(`${command} needs ${what}`, command);
  if (positionals.length > 1)
    throw new UsageError(
      `${command} takes a single input; got ${positionals.length}: ${positionals.join(' ')}`,
      command,
    );
  return positionals[0] ?? '';
}

/** Parses `backdrop <command> ...`; throws UsageError for anything malformed. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help')
    return { name: 'help', topic: name === 'help' ? rest[0] : undefined };
  if (name === '--version' || name === '-v') return { name: 'version' };
  const parse = (options: ParseArgsOptionsConfig) => {
    try {
      return parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(
        (error as Error).message.replace(/\. To specify a positional argument.*$/s, ''),
        name,
      );
    }
  };
  switch (name) {
    case 'remove': {
      const { values, positionals } = parse({
        ...common,
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
      });
      if (values.help) return { name: 'help', topic: name };
      return {
        name,
        input: single(positionals, 'an input (a file path or an http(s) URL)', name),
        output: values.output as string | undefined,
        format: formatOf(values.format as string | undefined, ['png', 'webp'] as const, name),
        provider: providerOf(values.provider as string | undefined, name),
        json: Boolean(values.json),
      };
    }
    case 'replace': {
      const { values, positionals } = parse({
        ...common,
        ...replaceOptions,
        output: { type: 'string', short: 'o' },
        format: { type: 'string' },
      });
      if (values.help) return { name: 'help', topic: name };
      return {
        name,
        input: single(positionals, 'an input (a file path or an http(s) URL)', name),
        output: values.output as string | undefined,
        format: formatOf(values.format as string | undefined, imageOutputFormats, name),
        ...replaceFlags(values, name),
        provider: providerOf(values.provider as string | undefined, name),
        json: Boolean(values.json),
      };
    }
    case 'video': {
      const { values, positionals } = parse({
        ...common,
        output: { type: 'string', short: 'o' },
        background: { type: 'string' },
        container: { type: 'string' },
        'no-audio': { type: 'boolean' },
      });
      if (values.help) return { name: 'help', topic: name };
      return {
        name,
        input: single(positionals, 'an input video (a file path or an http(s) URL)', name),
        output: values.output as string | undefined,
        background: values.background as string | undefined,
        container: values.container as string | undefined,
        audio: !values['no-audio'],
        provider: providerOf(values.provider as string | undefined, name),
        json: Boolean(values.json),
      };
    }
    case 'batch': {
      const { values, positionals } = parse({
        ...common,
        ...replaceOptions,
        op: { type: 'string' },
        out: { type: 'string' },
        concurrency: { type: 'string' },
        queue: { type: 'string' },
      });
      if (values.help) return { name: 'help', topic: name };
      const operation = values.op as string | undefined;
      if (operation !== 'remove' && operation !== 'replace')
        throw new UsageError(
          `--op must be remove or replace; got ${operation === undefined ? 'nothing' : `"${operation}"`}`,
          name,
        );
      if (typeof values.out !== 'string')
        throw new UsageError('batch needs --out <dir> for the results', name);
      const concurrency = concurrencyOf(values.concurrency as string | undefined, name, 4);
      const flags =
        operation === 'replace'
          ? replaceFlags(values, name)
          : {
              prompt: undefined,
              reference: undefined,
              color: undefined,
              negativePrompt: undefined,
              seed: undefined,
              count: undefined,
            };
      return {
        name,
        directory: single(positionals, 'a directory of images', name),
        operation,
        outputDirectory: values.out,
        concurrency,
        queue: queueOf(values.queue as string | undefined, name),
        ...flags,
        provider: providerOf(values.provider as string | undefined, name),
        json: Boolean(values.json),
      };
    }
    case 'worker': {
      const { values, positionals } = parse({
        ...common,
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        'stall-timeout': { type: 'string' },
        fallback: { type: 'boolean' },
      });
      if (values.help) return { name: 'help', topic: name };
      if (positionals.length > 0)
        throw new UsageError(`worker takes no inputs; got ${positionals.join(' ')}`, name);
      const queue = queueOf(values.queue as string | undefined, name);
      if (queue === undefined) throw new UsageError('worker needs --queue redis://<host>:<port>', name);
      const stallTimeoutSeconds =
        wholeNumber('stall-timeout', values['stall-timeout'] as string | undefined, name) ?? 30;
      if (stallTimeoutSeconds < 1)
        throw new UsageError(`--stall-timeout must be at least 1 second; got ${stallTimeoutSeconds}`, name);
      return {
        name,
        queue,
        concurrency: concurrencyOf(values.concurrency as string | undefined, name, 2),
        stallTimeoutSeconds,
        fallback: Boolean(values.fallback),
        provider: providerOf(values.provider as string | undefined, name),
        json: Boolean(values.json),
      };
    }
    case 'resume': {
      const { values, positionals } = parse({
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      });
      if (values.help) return { name: 'help', topic: name };
      return {
        name,
        handleFile: single(positionals, 'a job handle file (<output>.job.json)', name),
        json: Boolean(values.json),
      };
    }
    case 'providers': {
      const { values } = parse({ json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
      if (values.help) return { name: 'help', topic: name };
      return { name, json: Boolean(values.json) };
    }
    default:
      throw new UsageError(
        `unknown command "${name}": use remove, replace, video, batch, worker, resume or providers`,
      );
  }
}
