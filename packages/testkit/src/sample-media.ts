import sharp from 'sharp';

export type SampleImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'avif';

/** A real encoded image of the given size: a gradient with a disc, so it is not blank. */
export async function makeSampleImage(
  format: SampleImageFormat,
  width: number,
  height: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const disc = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g"><stop offset="0" stop-color="#2a6"/><stop offset="1" stop-color="#26a"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="#d33"/>
    </svg>`,
  );
  const image = sharp(disc);
  const encoded = await (format === 'avif'
    ? image.avif({ quality: 40, effort: 0 })
    : image.toFormat(format)
  ).toBuffer();
  return new Uint8Array(encoded);
}

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((sum, part) => sum + part.byteLength, 0);
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, size);
  bytes.set(new TextEncoder().encode(type), 4);
  let offset = 8;
  for (const part of payload) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

function ebmlElement(id: number[], payload: Uint8Array): Uint8Array {
  // One-byte size with the length marker bit (payloads here are under 127 bytes).
  return new Uint8Array([...id, 0x80 | payload.byteLength, ...payload]);
}

/**
 * The start of a video file in each container, as the container specifications lay it out:
 * enough for magic-byte sniffing (ISO BMFF `ftyp` brands; the EBML header's DocType).
 */
export function makeVideoHeader(format: 'mp4' | 'mov' | 'webm' | 'mkv'): Uint8Array<ArrayBuffer> {
  const ascii = (text: string) => new TextEncoder().encode(text);
  const padding = new Uint8Array(256);
  if (format === 'mp4' || format === 'mov') {
    const brand = format === 'mp4' ? 'isom' : 'qt  ';
    const compatible = format === 'mp4' ? ascii('isomiso2avc1mp41') : ascii('qt  ');
    const ftyp = box('ftyp', ascii(brand), new Uint8Array([0, 0, 2, 0]), compatible);
    return new Uint8Array([...ftyp, ...box('free', padding)]);
  }
  const docType = format === 'webm' ? 'webm' : 'matroska';
  const header = new Uint8Array([
    ...ebmlElement([0x42, 0x86], new Uint8Array([1])), // EBMLVersion
    ...ebmlElement([0x42, 0xf7], new Uint8Array([1])), // EBMLReadVersion
    ...ebmlElement([0x42, 0xf2], new Uint8Array([4])), // EBMLMaxIDLength
    ...ebmlElement([0x42, 0xf3], new Uint8Array([8])), // EBMLMaxSizeLength
    ...ebmlElement([0x42, 0x82], ascii(docType)), // DocType
    ...ebmlElement([0x42, 0x87], new Uint8Array([4])), // DocTypeVersion
    ...ebmlElement([0x42, 0x85], new Uint8Array([2])), // DocTypeReadVersion
  ]);
  return new Uint8Array([...ebmlElement([0x1a, 0x45, 0xdf, 0xa3], header), ...padding]);
}
