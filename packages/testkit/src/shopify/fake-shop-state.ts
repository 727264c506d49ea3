/** The fake shop's catalogue: products, their media (files), variants, collections, staged uploads. */

export type MediaStatus = 'UPLOADED' | 'PROCESSING' | 'READY' | 'FAILED';

export interface FakeMedia {
  id: string;
  alt: string;
  status: MediaStatus;
  /** Status polls left before a PROCESSING media becomes READY. */
  pollsUntilReady: number;
  mimeType: string;
  fileName: string;
  url: string;
  width: number;
  height: number;
  bytes: Uint8Array;
  createdAt: string;
}

export interface FakeVariant {
  id: string;
  title: string;
  mediaId: string | undefined;
}

export interface FakeProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  collectionIds: string[];
  /** The product's gallery, in order. */
  mediaIds: string[];
  variants: FakeVariant[];
}

export interface FakeCollection {
  id: string;
  title: string;
}

export interface StagedUpload {
  token: string;
  fileName: string;
  mimeType: string;
  fileSize: number | undefined;
  resource: string;
  /** Set once the bytes were posted to the upload target. */
  uploaded: { bytes: Uint8Array; contentType: string } | undefined;
}

export interface ReorderJob {
  id: string;
  productId: string;
  moves: Array<{ id: string; newPosition: number }>;
  done: boolean;
}

export interface FakeShopState {
  products: Map<string, FakeProduct>;
  media: Map<string, FakeMedia>;
  collections: Map<string, FakeCollection>;
  stagedUploads: Map<string, StagedUpload>;
  jobs: Map<string, ReorderJob>;
  nextId: number;
}

export function createState(): FakeShopState {
  return {
    products: new Map(),
    media: new Map(),
    collections: new Map(),
    stagedUploads: new Map(),
    jobs: new Map(),
    nextId: 1000,
  };
}

export function newId(state: FakeShopState, type: string): string {
  state.nextId += 1;
  return `gid://shopify/${type}/${state.nextId}`;
}

/** Moves applied one after another, as Shopify documents productReorderMedia's `moves`. */
export function applyMoves(order: string[], moves: ReorderJob['moves']): string[] {
  const result = [...order];
  for (const move of moves) {
    const from = result.indexOf(move.id);
    if (from === -1) continue;
    result.splice(from, 1);
    result.splice(Math.min(move.newPosition, result.length), 0, move.id);
  }
  return result;
}
