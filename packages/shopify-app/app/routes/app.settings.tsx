import { boundary } from '@shopify/shopify-app-react-router/server';
import { useState } from 'react';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from 'react-router';
import { useFetcher, useLoaderData } from 'react-router';
import { useFieldValue } from '../components/field-events';
import { database } from '../db/app-database.server';
import { appServices } from '../services.server';
import { parseShopSettings, readShopSettings, saveShopSettings } from '../settings/shop-settings.server';
import { authenticate } from '../shopify.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return {
    settings: await readShopSettings(await database(), session.shop),
    // Which providers the server has keys for (names only: a key never reaches the browser).
    providers: (await appServices()).backdrop.providers.map((provider) => provider.provider),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  try {
    await saveShopSettings(await database(), session.shop, parseShopSettings(await request.formData()));
    return { saved: true as const };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
};

export default function Settings() {
  const { settings, providers } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const [values, setValues] = useState(settings);
  const providerRef = useFieldValue((provider) => setValues((current) => ({ ...current, provider })));
  const operationRef = useFieldValue((operation) => setValues((current) => ({ ...current, operation })));
  const colorRef = useFieldValue((color) => setValues((current) => ({ ...current, color })));
  const allRef = useFieldValue((_value, includeAllImages) =>
    setValues((current) => ({ ...current, includeAllImages })),
  );
  const save = () => {
    const form = new FormData();
    form.set('provider', values.provider);
    form.set('operation', values.operation);
    form.set('color', values.color);
    if (values.includeAllImages) form.set('includeAllImages', 'on');
    fetcher.submit(form, { method: 'post' });
  };
  return (
    <s-page heading="Settings">
      <s-button slot="primary-action" variant="primary" onClick={save}>
        Save
      </s-button>
      {fetcher.data && 'error' in fetcher.data ? (
        <s-banner tone="critical">{fetcher.data.error}</s-banner>
      ) : null}
      {fetcher.data && 'saved' in fetcher.data ? <s-banner tone="success">Saved</s-banner> : null}
      <s-section heading="Defaults">
        <s-stack gap="base">
          <s-select label="Provider" value={values.provider} ref={providerRef}>
            <s-option value="auto">Automatic (the first that can do the job)</s-option>
            {providers.map((provider) => (
              <s-option key={provider} value={provider}>
                {provider === 'local' ? 'On the app’s server (free, remove and colour only)' : provider}
              </s-option>
            ))}
          </s-select>
          <s-select label="Operation" value={values.operation} ref={operationRef}>
            <s-option value="remove-transparent">Remove background (transparent)</s-option>
            <s-option value="remove-white">Remove background (white)</s-option>
            <s-option value="color">Plain colour</s-option>
            <s-option value="prompt">Scene from a prompt</s-option>
            <s-option value="reference">Scene from a reference image</s-option>
          </s-select>
          <s-color-field label="Default colour" value={values.color} ref={colorRef} />
          <s-checkbox
            label="Include every image of a product by default"
            checked={values.includeAllImages || undefined}
            ref={allRef}
          />
        </s-stack>
      </s-section>
    </s-page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
