import { useAppBridge } from '@shopify/app-bridge-react';
import { boundary } from '@shopify/shopify-app-react-router/server';
import { useState } from 'react';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from 'react-router';
import { useFetcher, useLoaderData, useNavigate, useSearchParams } from 'react-router';
import { createAdminApi } from '../admin/admin-api.server';
import { useFieldValue } from '../components/field-events';
import { database } from '../db/app-database.server';
import { estimateJobCost } from '../processing/backdrop-engine.server';
import {
  type OperationSettings,
  operationChoices,
  parseOperationSettings,
  SettingsError,
} from '../processing/operation-settings';
import { itemsForProducts, listProducts } from '../products/product-catalogue.server';
import { appServices } from '../services.server';
import { readShopSettings } from '../settings/shop-settings.server';
import { authenticate } from '../shopify.server';

const samples: Record<(typeof operationChoices)[number], OperationSettings> = {
  'remove-transparent': { kind: 'remove', background: 'transparent' },
  'remove-white': { kind: 'remove', background: 'white' },
  color: { kind: 'color', color: '#ffffff' },
  prompt: { kind: 'prompt', prompt: 'a scene' },
  reference: { kind: 'reference', referenceImage: 'data:image/png;base64,' },
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const filters = {
    search: url.searchParams.get('search') ?? '',
    collection: url.searchParams.get('collection') ?? '',
    vendor: url.searchParams.get('vendor') ?? '',
    status: url.searchParams.get('status') ?? '',
  };
  const api = createAdminApi({
    shop: session.shop,
    graphql: admin.graphql,
    budget: (await appServices()).adminBudget,
  });
  const listing = await listProducts(api, filters, {
    after: url.searchParams.get('after') ?? undefined,
    before: url.searchParams.get('before') ?? undefined,
  });
  const settings = await readShopSettings(await database(), session.shop);
  const { backdrop } = await appServices();
  // Price per image for each operation, with the shop's default provider: shown before starting.
  const prices = Object.fromEntries(
    operationChoices.map((choice) => [
      choice,
      estimateJobCost(backdrop, samples[choice], settings.provider as never, 1),
    ]),
  );
  return { ...listing, filters, settings, prices };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { admin, session, redirect } = await authenticate.admin(request);
  const form = await request.formData();
  const productIds = form.getAll('productId').map(String).filter(Boolean);
  if (productIds.length === 0) return { error: 'productId: choose at least one product' };
  const settings = await readShopSettings(await database(), session.shop);
  if (!form.get('operation')) form.set('operation', settings.operation);
  let operation: OperationSettings;
  try {
    operation = parseOperationSettings(form);
  } catch (error) {
    if (error instanceof SettingsError) return { error: error.message };
    throw error;
  }
  const provider = String(form.get('provider') || settings.provider);
  const allImages = form.has('allImages') ? form.get('allImages') === 'true' : settings.includeAllImages;
  const api = createAdminApi({
    shop: session.shop,
    graphql: admin.graphql,
    budget: (await appServices()).adminBudget,
  });
  const items = await itemsForProducts(api, productIds, allImages);
  if (items.length === 0) return { error: 'productId: the chosen products have no images' };
  const { store, runner, backdrop } = await appServices();
  const estimate = estimateJobCost(backdrop, operation, provider as never, items.length);
  if (estimate.provider === undefined) return { error: estimate.reason };
  const job = await store.createJob({
    shop: session.shop,
    operation,
    provider,
    estimatedCostUsd: estimate.usd,
    items,
  });
  await runner.notify(session.shop);
  return redirect(`/app/jobs/${job.id}`);
};

const operationLabels: Record<(typeof operationChoices)[number], string> = {
  'remove-transparent': 'Remove background (transparent PNG)',
  'remove-white': 'Remove background (white, for marketplaces)',
  color: 'Plain colour',
  prompt: 'Scene from a prompt',
  reference: 'Scene from a reference image',
};

function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return 'unknown';
  return usd === 0 ? 'free (runs on the app’s server)' : `$${usd.toFixed(3)}`;
}

export default function Products() {
  const data = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [selected, setSelected] = useState<string[]>([]);
  const [operation, setOperation] = useState<string>(data.settings.operation);
  const [allImages, setAllImages] = useState<boolean>(data.settings.includeAllImages);
  const [color, setColor] = useState<string>(data.settings.color);
  const [prompt, setPrompt] = useState('');
  const [negativePrompt, setNegativePrompt] = useState('');
  const [seed, setSeed] = useState('');
  const [referenceImage, setReferenceImage] = useState('');
  const [search, setSearch] = useState(data.filters.search);

  const filter = (name: string, value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('after');
    next.delete('before');
    navigate(`?${next.toString()}`);
  };
  const turnPage = (direction: 'after' | 'before', cursor: string) => {
    const next = new URLSearchParams(searchParams);
    next.delete('after');
    next.delete('before');
    next.set(direction, cursor);
    navigate(`?${next.toString()}`);
  };
  const searchRef = useFieldValue((value) => setSearch(value));
  const collectionRef = useFieldValue((value) => filter('collection', value));
  const vendorRef = useFieldValue((value) => filter('vendor', value));
  const statusRef = useFieldValue((value) => filter('status', value));
  const operationRef = useFieldValue((value) => setOperation(value));
  const scopeRef = useFieldValue((_value, checked) => setAllImages(checked));
  const colorRef = useFieldValue((value) => setColor(value));
  const promptRef = useFieldValue((value) => setPrompt(value));
  const negativeRef = useFieldValue((value) => setNegativePrompt(value));
  const seedRef = useFieldValue((value) => setSeed(value));

  const toggle = (id: string) =>
    setSelected((current) =>
      current.includes(id) ? current.filter((entry) => entry !== id) : [...current, id],
    );
  const pick = async () => {
    const picked = await shopify.resourcePicker({
      type: 'product',
      multiple: true,
      selectionIds: selected.map((id) => ({ id })),
    });
    if (picked) setSelected(picked.map((product: { id: string }) => product.id));
  };
  const imageCount = data.products
    .filter((product) => selected.includes(product.id))
    .reduce(
      (total, product) => total + (allImages ? product.images.length : Math.min(1, product.images.length)),
      0,
    );
  const pickedElsewhere = selected.filter((id) => !data.products.some((product) => product.id === id)).length;
  const price = data.prices[operation as keyof typeof data.prices];
  const start = () => {
    const form = new FormData();
    for (const id of selected) form.append('productId', id);
    form.set('operation', operation);
    form.set('allImages', String(allImages));
    form.set('color', color);
    form.set('prompt', prompt);
    form.set('negativePrompt', negativePrompt);
    form.set('seed', seed);
    form.set('referenceImage', referenceImage);
    fetcher.submit(form, { method: 'post' });
  };
  const vendors = [...new Set(data.products.map((product) => product.vendor))].sort();

  return (
    <s-page heading="Products">
      <s-button
        slot="primary-action"
        variant="primary"
        onClick={start}
        disabled={selected.length === 0 || undefined}
        loading={fetcher.state !== 'idle' || undefined}
      >
        Start ({selected.length} selected)
      </s-button>
      <s-button slot="secondary-actions" onClick={pick}>
        Pick products
      </s-button>
      {fetcher.data && 'error' in fetcher.data ? (
        <s-banner tone="critical" heading="The job was not started">
          {fetcher.data.error}
        </s-banner>
      ) : null}
      <s-section heading="What to do">
        <s-stack gap="base">
          <s-select label="Operation" name="operation" value={operation} ref={operationRef}>
            {operationChoices.map((choice) => (
              <s-option key={choice} value={choice}>
                {operationLabels[choice]}
              </s-option>
            ))}
          </s-select>
          {operation === 'color' ? (
            <s-color-field label="Background colour" name="color" value={color} ref={colorRef} />
          ) : null}
          {operation === 'prompt' ? (
            <>
              <s-text-field
                label="Scene"
                name="prompt"
                value={prompt}
                ref={promptRef}
                placeholder="on a white marble counter, soft morning light"
              />
              <s-text-field
                label="Avoid (negative prompt)"
                name="negativePrompt"
                value={negativePrompt}
                ref={negativeRef}
              />
              <s-number-field label="Seed (optional)" name="seed" value={seed} ref={seedRef} min={0} />
            </>
          ) : null}
          {operation === 'reference' ? (
            <label>
              Reference image{' '}
              <input
                type="file"
                accept="image/png,image/jpeg,image/webp"
                onChange={(event) => {
                  const file = event.currentTarget.files?.[0];
                  if (!file) return;
                  const reader = new FileReader();
                  reader.onload = () => setReferenceImage(String(reader.result));
                  reader.readAsDataURL(file);
                }}
              />
            </label>
          ) : null}
          <s-checkbox
            label="Every image of each product (not only the featured one)"
            checked={allImages || undefined}
            ref={scopeRef}
          />
          <s-paragraph>
            {price && 'reason' in price && price.provider === undefined
              ? price.reason
              : `Estimated cost: ${imageCount} image${imageCount === 1 ? '' : 's'}${pickedElsewhere ? ` (+ ${pickedElsewhere} picked product${pickedElsewhere === 1 ? '' : 's'} on other pages)` : ''} × ${formatUsd(price && 'usd' in price ? price.usd : undefined)}${price && 'usd' in price && price.usd ? ` = $${(imageCount * price.usd).toFixed(3)}` : ''} on ${price?.provider ?? 'no provider'}`}
          </s-paragraph>
        </s-stack>
      </s-section>
      <s-section heading="Catalogue">
        <s-stack direction="inline" gap="base">
          <s-search-field label="Search by title" value={search} ref={searchRef} />
          <s-button onClick={() => filter('search', search)}>Search</s-button>
          <s-select label="Collection" value={data.filters.collection} ref={collectionRef}>
            <s-option value="">All collections</s-option>
            {data.collections.map((collection) => (
              <s-option key={collection.id} value={collection.id}>
                {collection.title}
              </s-option>
            ))}
          </s-select>
          <s-select label="Vendor" value={data.filters.vendor} ref={vendorRef}>
            <s-option value="">All vendors</s-option>
            {vendors.map((vendor) => (
              <s-option key={vendor} value={vendor}>
                {vendor}
              </s-option>
            ))}
          </s-select>
          <s-select label="Status" value={data.filters.status} ref={statusRef}>
            <s-option value="">Any status</s-option>
            <s-option value="ACTIVE">Active</s-option>
            <s-option value="DRAFT">Draft</s-option>
            <s-option value="ARCHIVED">Archived</s-option>
          </s-select>
        </s-stack>
        <s-table>
          <s-table-header-row>
            <s-table-header>Select</s-table-header>
            <s-table-header>Product</s-table-header>
            <s-table-header>Images</s-table-header>
            <s-table-header>Vendor</s-table-header>
            <s-table-header>Status</s-table-header>
          </s-table-header-row>
          <s-table-body>
            {data.products.map((product) => (
              <s-table-row key={product.id}>
                <s-table-cell>
                  <s-button
                    data-product={product.title}
                    variant={selected.includes(product.id) ? 'primary' : 'secondary'}
                    onClick={() => toggle(product.id)}
                  >
                    {selected.includes(product.id) ? 'Selected' : 'Select'}
                  </s-button>
                </s-table-cell>
                <s-table-cell>{product.title}</s-table-cell>
                <s-table-cell>
                  <s-stack direction="inline" gap="small-200">
                    {product.images.slice(0, allImages ? 6 : 1).map((image) => (
                      <s-thumbnail key={image.id} src={image.url} alt={image.alt} size="small" />
                    ))}
                    {product.images.length === 0 ? <s-text>No images</s-text> : null}
                  </s-stack>
                </s-table-cell>
                <s-table-cell>{product.vendor}</s-table-cell>
                <s-table-cell>
                  <s-badge tone={product.status === 'ACTIVE' ? 'success' : 'neutral'}>
                    {product.status.toLowerCase()}
                  </s-badge>
                </s-table-cell>
              </s-table-row>
            ))}
          </s-table-body>
        </s-table>
        <s-stack direction="inline" gap="base">
          <s-button
            disabled={!data.pageInfo.hasPreviousPage || undefined}
            onClick={() => turnPage('before', data.pageInfo.startCursor ?? '')}
          >
            Previous
          </s-button>
          <s-button
            disabled={!data.pageInfo.hasNextPage || undefined}
            onClick={() => turnPage('after', data.pageInfo.endCursor ?? '')}
          >
            Next
          </s-button>
        </s-stack>
      </s-section>
    </s-page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
