/**
 * Names a file from its first bytes, as file-type names them (`png`, `jpg`, `mov`, `heic`, ...):
 * the formats Backdrop takes, and the common ones it refuses, so a refusal can say what the
 * bytes are. A few hundred bytes of rules instead of file-type's detector for every format,
 * which was a fifth of a browser bundle.
 */

const ascii = (head: Uint8Array, offset: number, length: number): string =>
  String.fromCharCode(...head.subarray(offset, offset + length));

const startsWith = (head: Uint8Array, bytes: readonly number[], offset = 0): boolean =>
  bytes.every((byte, index) => head[offset + index] === byte);

const uint32 = (head: Uint8Array, offset: number): number =>
  (((head[offset] ?? 0) << 24) |
    ((head[offset + 1] ?? 0) << 16) |
    ((head[offset + 2] ?? 0) << 8) |
    (head[offset + 3] ?? 0)) >>>
  0;

/** ISO base media (`ftyp` box): the major brand says which member of the family it is. */
function isoBrand(brand: string): string {
  const trimmed = brand.replace(/\0/g, ' ').trim();
  if (trimmed === 'avif' || trimmed === 'avis') return 'avif';
  if (['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'hevc', 'hevx'].includes(trimmed)) return 'heic';
  if (trimmed === 'qt') return 'mov';
  if (trimmed.startsWith('M4V')) return 'm4v';
  if (trimmed === 'M4A') return 'm4a';
  if (trimmed.startsWith('3g2')) return '3g2';
  if (trimmed.startsWith('3g')) return '3gp';
  if (trimmed === 'crx') return 'cr3';
  return 'mp4';
}

/** A PNG with an `acTL` chunk before its image data is animated (APNG). */
function pngKind(head: Uint8Array): string {
  let offset = 8;
  while (offset + 8 <= head.length) {
    const type = ascii(head, offset + 4, 4);
    if (type === 'acTL') return 'apng';
    if (type === 'IDAT' || type === 'IEND') break;
    offset += 12 + uint32(head, offset);
  }
  return 'png';
}

/** EBML (Matroska family): the DocType element says WebM or Matroska. */
function ebmlKind(head: Uint8Array): string | undefined {
  const window = ascii(head, 4, Math.min(head.length - 4, 64));
  if (window.includes('webm')) return 'webm';
  if (window.includes('matroska')) return 'mkv';
  return undefined;
}

const signatures: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['jpg', [0xff, 0xd8, 0xff]],
  ['gif', [0x47, 0x49, 0x46, 0x38]],
  ['pdf', [0x25, 0x50, 0x44, 0x46]],
  ['tif', [0x49, 0x49, 0x2a, 0x00]],
  ['tif', [0x4d, 0x4d, 0x00, 0x2a]],
  ['psd', [0x38, 0x42, 0x50, 0x53]],
  ['jxl', [0xff, 0x0a]],
  ['jxl', [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]],
  ['jp2', [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]],
  ['ico', [0x00, 0x00, 0x01, 0x00]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['mp3', [0x49, 0x44, 0x33]],
  ['flv', [0x46, 0x4c, 0x56, 0x01]],
  ['ogg', [0x4f, 0x67, 0x67, 0x53]],
];

export function detectFileType(head: Uint8Array): string | undefined {
  if (head.length < 2) return undefined;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return pngKind(head);
  if (ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 4);
    return form === 'WEBP' ? 'webp' : form === 'AVI ' ? 'avi' : form === 'WAVE' ? 'wav' : undefined;
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ebmlKind(head);
  const box = ascii(head, 4, 4);
  if (box === 'ftyp') return isoBrand(ascii(head, 8, 4));
  // QuickTime files from before `ftyp` start straight with one of these atoms.
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(box)) return 'mov';
  if (head[0] === 0x42 && head[1] === 0x4d && head.length >= 14) return 'bmp';
  return signatures.find(([, bytes]) => startsWith(head, bytes))?.[0];
}
