import { adminSchema } from '@backdrop/testkit';
import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as operations from '../app/admin/admin-operations';

describe('Admin operations', () => {
  const entries = Object.entries(operations);

  it.each(entries)(
    '%s is valid against the pinned 2025-10 schema and uses nothing deprecated',
    (_name, source) => {
      const document = parse(source.replace('#graphql', ''));
      expect(
        validate(adminSchema(), document, [...specifiedRules, NoDeprecatedCustomRule]).map(String),
      ).toEqual([]);
    },
  );

  it('the deprecation check would catch productCreateMedia', () => {
    const document = parse(
      'mutation($id: ID!, $media: [CreateMediaInput!]!) { productCreateMedia(productId: $id, media: $media) { media { id } } }',
    );
    expect(validate(adminSchema(), document, [NoDeprecatedCustomRule]).map((error) => error.message)).toEqual(
      [expect.stringContaining('productCreateMedia is deprecated')],
    );
  });
});
