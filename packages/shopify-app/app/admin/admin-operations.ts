// Every Admin GraphQL operation the app sends (API 2025-10). `pnpm codegen` types them against the
// pinned schema into app/generated/; none uses a deprecated field or mutation. Page sizes are kept
// small because Shopify charges a connection by the page size asked for, not by what it returns.

export const productsPageQuery = `#graphql
  query BackdropProductsPage($first: Int, $last: Int, $after: String, $before: String, $query: String) {
    products(first: $first, last: $last, after: $after, before: $before, query: $query, sortKey: TITLE) {
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        title
        vendor
        status
        featuredMedia {
          id
        }
        media(first: 20) {
          nodes {
            id
            alt
            mediaContentType
            status
            ... on MediaImage {
              mimeType
              image {
                url
                width
                height
              }
            }
          }
        }
      }
    }
  }
`;

export const collectionsQuery = `#graphql
  query BackdropCollections {
    collections(first: 100, sortKey: TITLE) {
      nodes {
        id
        title
      }
    }
  }
`;

export const productMediaQuery = `#graphql
  query BackdropProductMedia($id: ID!) {
    product(id: $id) {
      id
      title
      media(first: 50) {
        nodes {
          id
          alt
          mediaContentType
          status
          ... on MediaImage {
            mimeType
            image {
              url
            }
          }
        }
      }
      variants(first: 100) {
        nodes {
          id
          media(first: 1) {
            nodes {
              id
            }
          }
        }
      }
    }
  }
`;

export const mediaStatusQuery = `#graphql
  query BackdropMediaStatus($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on MediaImage {
        id
        status
        mediaErrors {
          code
          message
        }
      }
    }
  }
`;

export const jobStatusQuery = `#graphql
  query BackdropJobStatus($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;

export const stagedUploadsCreateMutation = `#graphql
  mutation BackdropStagedUploadsCreate($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets {
        url
        resourceUrl
        parameters {
          name
          value
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const productAttachMediaMutation = `#graphql
  mutation BackdropProductAttachMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
    productUpdate(product: $product, media: $media) {
      product {
        id
        media(first: 250) {
          nodes {
            id
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const productReorderMediaMutation = `#graphql
  mutation BackdropProductReorderMedia($id: ID!, $moves: [MoveInput!]!) {
    productReorderMedia(id: $id, moves: $moves) {
      job {
        id
        done
      }
      mediaUserErrors {
        code
        field
        message
      }
    }
  }
`;

export const variantsSetMediaMutation = `#graphql
  mutation BackdropVariantsSetMedia($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
    productVariantsBulkUpdate(productId: $productId, variants: $variants) {
      productVariants {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

export const fileReferencesMutation = `#graphql
  mutation BackdropFileReferences($files: [FileUpdateInput!]!) {
    fileUpdate(files: $files) {
      files {
        id
        fileStatus
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;
