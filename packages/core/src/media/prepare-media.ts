import { BackdropError } from '../errors/backdrop-error.js';
import { isBlob } from '../schemas/common-schemas.js';
import {
  contentTypeOfFormat,
  formatLabels,
  imageFormats,
  type MediaFacts,
  type MediaFormat,
  type MediaInput,
  type MediaKind,
  videoFormats,
} from '../spec/media.js';
import { describeValue } from '../text/describe-value.js';
import { decodeDataUri } from './data-uri.js';
import {
  formatFromContentType,
  formatFromFileName,
  readImageDimensions,
  sniffFormat,
  sniffLength,
} from './sniff-media.js';

/** Reads a local file lazily; supplied by `@backdrop/core/node`. */
export type LocalFileReader = (path: string) => Promise<{ data: Blob; fileName: string }>;

/** A media input after checking: a remote URL, or local bytes whose real type is known. */
export type PreparedMedia =
  | { kind: 'url'; url: string }
  | { kind: 'bytes'; data: Blob; fileName: string; facts: MediaFacts };

export interface PrepareMediaOptions {
  field: string;
  kind: MediaKind;
  readLocalFile?: LocalFileReader | undefined;
}

const acceptedFormats: Readonly<Record<MediaKind, readonly MediaFormat[]>> = {
  image: imageFormats,
  video: videoFormats,
};

function listFormats(kind: MediaKind): string {
  return acceptedFormats[kind].map((format) => formatLabels[format]).join(', ');
}

function invalid(field: string, message: string, cause?: unknown): BackdropError {
  return new BackdropError({ code: 'invalid_input', field, message: `${field}: ${message}`, cause });
}

/** WebM is a Matroska profile, so a file that claims MKV may hold WebM. */
function claimMatches(claimed: MediaFormat, actual: MediaFormat): boolean {
  return claimed === actual || (claimed === 'mkv' && actual === 'webm');
}

async function resolveSource(
  input: MediaInput,
  options: PrepareMediaOptions,
): Promise<
  { url: string } | { data: Blob; fileName: string; claimed: MediaFormat | undefined; claimSource: string }
> {
  const { field } = options;
  if (typeof input === 'string' || input instanceof URL) {
    const text = (typeof input === 'string' ? input : input.href).trim();
    if (/^https?:\/\//i.test(text)) {
      if (!URL.canParse(text)) throw invalid(field, `${describeValue(text)} is not a valid URL`);
      return { url: text };
    }
    if (/^data:/i.test(text)) {
      const decoded = decodeDataUri(text);
      if (!decoded) throw invalid(field, 'the data URI is malformed (expected data:<type>;base64,<data>)');
      return {
        data: new Blob([decoded.bytes as Uint8Array<ArrayBuffer>]),
        fileName: field,
        claimed: formatFromContentType(decoded.contentType),
        claimSource: `its data URI type ${decoded.contentType ?? ''}`.trim(),
      };
    }
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
    if (scheme && scheme !== 'file' && scheme.length > 1) {
      throw invalid(
        field,
        `${scheme}: URLs are not accepted; use an http(s) URL, a data URI, a file path or bytes`,
      );
    }
    if (!options.readLocalFile) {
      throw invalid(
        field,
        `${describeValue(text)} is not an http(s) URL or a data URI; file paths work in Node through @backdrop/core/node`,
      );
    }
    const path = scheme === 'file' ? decodeURIComponent(new URL(text).pathname) : text;
    let file: { data: Blob; fileName: string };
    try {
      file = await options.readLocalFile(path);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'could not be read';
      throw invalid(field, `${describeValue(path)}: ${reason}`, error);
    }
    return {
      ...file,
      claimed: formatFromFileName(file.fileName),
      claimSource: `its file name ${file.fileName}`,
    };
  }
  if (input instanceof Uint8Array) {
    return {
      data: new Blob([input as Uint8Array<ArrayBuffer>]),
      fileName: field,
      claimed: undefined,
      claimSource: '',
    };
  }
  if (input instanceof ArrayBuffer) {
    return { data: new Blob([input]), fileName: field, claimed: undefined, claimSource: '' };
  }
  if (isBlob(input)) {
    const name = (input as Partial<File>).name;
    const fileName = typeof name === 'string' && name !== '' ? name : field;
    const claimedByType = formatFromContentType(input.type);
    return {
      data: input,
      fileName,
      claimed: claimedByType ?? formatFromFileName(fileName),
      claimSource: claimedByType ? `its type ${input.type}` : `its file name ${fileName}`,
    };
  }
  throw invalid(
    field,
    `must be a URL, a data URI, a file path, bytes or a Blob; got ${describeValue(input)}`,
  );
}

/**
 * Turns a caller's media input into a URL to pass through or checked bytes. Local bytes are
 * sniffed from their magic bytes; a file that is not what it claims, or not an accepted
 * format, is rejected here, before anything is uploaded.
 */
export async function prepareMedia(input: MediaInput, options: PrepareMediaOptions): Promise<PreparedMedia> {
  const { field, kind } = options;
  const source = await resolveSource(input, options);
  if ('url' in source) return { kind: 'url', url: source.url };

  const { data } = source;
  if (data.size === 0) throw invalid(field, 'is empty (0 bytes)');
  const head = new Uint8Array(await data.slice(0, sniffLength).arrayBuffer());
  const { format, detected } = await sniffFormat(head);
  if (!format || !acceptedFormats[kind].includes(format)) {
    const what = format
      ? `${formatLabels[format]} (${(videoFormats as readonly string[]).includes(format) ? 'a video' : 'an image'})`
      : detected
        ? detected.toUpperCase()
        : 'not a recognised format';
    throw invalid(
      field,
      `must be ${kind === 'image' ? 'an image' : 'a video'} (${listFormats(kind)}); its bytes are ${what}`,
    );
  }
  if (source.claimed && !claimMatches(source.claimed, format)) {
    throw invalid(
      field,
      `claims to be ${formatLabels[source.claimed]} (${source.claimSource}) but its bytes are ${formatLabels[format]}`,
    );
  }
  const facts: MediaFacts = { format, contentType: contentTypeOfFormat[format], sizeBytes: data.size };
  if (kind === 'image') {
    const dimensions = await readImageDimensions(data, head, format);
    if (!dimensions)
      throw invalid(field, `is a ${formatLabels[format]} file whose header gives no width and height`);
    facts.width = dimensions.width;
    facts.height = dimensions.height;
  }
  const fileName = /\.[a-z0-9]+$/i.test(source.fileName)
    ? source.fileName
    : `${source.fileName}.${format === 'jpeg' ? 'jpg' : format}`;
  return { kind: 'bytes', data, fileName, facts };
}
