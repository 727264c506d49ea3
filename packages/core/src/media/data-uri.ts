/** A data URI split into its declared media type and its bytes. */
export interface DecodedDataUri {
  contentType: string | undefined;
  bytes: Uint8Array<ArrayBuffer>;
}

const dataUriPattern = /^data:([^,]*),(.*)$/s;

/** Decodes a `data:` URI with atob (no Buffer), so it works in browsers too. */
export function decodeDataUri(uri: string): DecodedDataUri | undefined {
  const match = dataUriPattern.exec(uri);
  if (!match) return undefined;
  const [, header = '', payload = ''] = match;
  const parameters = header.split(';');
  const isBase64 = parameters.at(-1)?.toLowerCase() === 'base64';
  const contentType = parameters[0]?.trim().toLowerCase() || undefined;
  try {
    if (isBase64) {
      const binary = atob(payload.replace(/\s+/g, ''));
      const bytes = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
      return { contentType, bytes };
    }
    return { contentType, bytes: new TextEncoder().encode(decodeURIComponent(payload)) };
  } catch {
    return undefined;
  }
}

/** Encodes bytes as a base64 data URI. */
export function encodeDataUri(bytes: Uint8Array, contentType: string): string {
  let binary = '';
  const chunkSize = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + chunkSize));
  }
  return `data:${contentType};base64,${btoa(binary)}`;
}
