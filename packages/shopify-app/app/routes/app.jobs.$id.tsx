import { boundary } from '@shopify/shopify-app-react-router/server';
import { useEffect } from 'react';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from 'react-router';
import { useFetcher, useLoaderData, useRevalidator } from 'react-router';
import { readEnvironment } from '../config.server';
import type { ItemState } from '../jobs/job-store.server';
import { signImageLink } from '../media/image-links.server';
import { describeOperation, type OperationSettings } from '../processing/operation-settings';
import { appServices } from '../services.server';
import { authenticate } from '../shopify.server';

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { store } = await appServices();
  const job = await store.job(session.shop, params.id ?? '');
  if (!job) throw new Response('No such job', { status: 404 });
  const secret = readEnvironment().apiSecretKey;
  const items = (await store.items(job.id)).map((item) => ({
    id: item.id,
    productTitle: item.productTitle,
    position: item.originalPosition + 1,
    alt: item.originalAlt,
    state: item.state as ItemState,
    step: item.step,
    error: item.error,
    provider: item.provider,
    costUsd: item.costUsd,
    before: item.originalBytes ? signImageLink(secret, item.id, 'original') : item.originalUrl,
    after: item.resultBytes ? signImageLink(secret, item.id, 'result') : null,
  }));
  return {
    job: {
      id: job.id,
      state: job.state,
      operation: describeOperation(job.operation as OperationSettings),
      provider: job.provider,
      estimatedCostUsd: job.estimatedCostUsd,
      createdAt: job.createdAt.toISOString(),
    },
    items,
  };
};

const decisions: Record<string, { from: ItemState[]; to: ItemState; work: boolean }> = {
  approve: { from: ['ready', 'rejected'], to: 'approved', work: false },
  reject: { from: ['ready', 'approved'], to: 'rejected', work: false },
  regenerate: { from: ['ready', 'rejected', 'approved', 'failed'], to: 'pending', work: true },
  write: { from: ['approved'], to: 'write-queued', work: true },
  revert: { from: ['written'], to: 'revert-queued', work: true },
  retry: { from: ['failed'], to: 'pending', work: true },
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const { store, runner } = await appServices();
  const job = await store.job(session.shop, params.id ?? '');
  if (!job) throw new Response('No such job', { status: 404 });
  const decision = decisions[intent];
  if (!decision)
    return { error: `intent: must be one of ${Object.keys(decisions).join(', ')}; got "${intent}"` };
  const chosen = form.getAll('itemId').map(String);
  const items = await store.items(job.id);
  const itemIds = chosen.length > 0 ? chosen : items.map((item) => item.id);
  // Approve all only takes what is ready: rejected items stay rejected.
  const from = intent === 'approve' && chosen.length === 0 ? (['ready'] as ItemState[]) : decision.from;
  // A retry or a new seed is the merchant's choice to start again, even after a start that may
  // have been taken (startSentAt); a retry still resumes a kept provider job.
  const extra =
    intent === 'regenerate'
      ? {
          seed: Math.floor(Math.random() * 2 ** 31),
          resultBytes: null,
          error: null,
          providerHandle: null,
          startSentAt: null,
        }
      : { startSentAt: null };
  const moved = await store.transition(session.shop, itemIds, from, decision.to, extra);
  if (decision.work && moved > 0) await runner.notify(session.shop);
  return { moved };
};

const tones: Partial<Record<ItemState, 'success' | 'critical' | 'warning' | 'info' | 'neutral'>> = {
  ready: 'info',
  approved: 'success',
  written: 'success',
  rejected: 'neutral',
  failed: 'critical',
  skipped: 'warning',
  reverted: 'neutral',
};

const stateLabels: Record<ItemState, string> = {
  pending: 'Waiting',
  processing: 'Processing…',
  ready: 'Ready for review',
  approved: 'Approved',
  rejected: 'Rejected',
  'write-queued': 'Waiting to write',
  writing: 'Writing to Shopify…',
  written: 'Written',
  'revert-queued': 'Waiting to revert',
  reverting: 'Reverting…',
  reverted: 'Reverted',
  failed: 'Failed',
  skipped: 'Skipped',
};

const checkerboard = {
  backgroundColor: '#fff',
  backgroundImage:
    'linear-gradient(45deg,#ddd 25%,transparent 25%),linear-gradient(-45deg,#ddd 25%,transparent 25%),linear-gradient(45deg,transparent 75%,#ddd 75%),linear-gradient(-45deg,transparent 75%,#ddd 75%)',
  backgroundSize: '16px 16px',
  backgroundPosition: '0 0,0 8px,8px -8px,-8px 0',
};

const busyStates: ItemState[] = [
  'pending',
  'processing',
  'write-queued',
  'writing',
  'revert-queued',
  'reverting',
];

export default function JobPage() {
  const { job, items } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const busy = items.some((item) => busyStates.includes(item.state));

  // Live progress: the page re-reads the job while any item is still moving (state is in the database).
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);

  const act = (intent: string, itemId?: string) => {
    const form = new FormData();
    form.set('intent', intent);
    if (itemId) form.set('itemId', itemId);
    fetcher.submit(form, { method: 'post' });
  };
  const count = (...states: ItemState[]) => items.filter((item) => states.includes(item.state)).length;
  const done = items.length - count(...busyStates);

  return (
    <s-page heading={`Job: ${job.operation}`}>
      <s-button
        slot="primary-action"
        variant="primary"
        disabled={count('approved') === 0 || undefined}
        onClick={() => act('write')}
      >
        Write back {count('approved')} approved
      </s-button>
      <s-button
        slot="secondary-actions"
        disabled={count('ready') === 0 || undefined}
        onClick={() => act('approve')}
      >
        Approve all
      </s-button>
      <s-button
        slot="secondary-actions"
        disabled={count('written') === 0 || undefined}
        onClick={() => act('revert')}
      >
        Revert all
      </s-button>
      <s-section heading="Progress">
        <s-paragraph>
          <span data-testid="progress">
            {done} of {items.length} done
          </span>
          {' · '}
          {count('ready')} to review · {count('approved')} approved · {count('written')} written ·{' '}
          {count('failed')} failed
          {' · '}provider {job.provider} · estimated{' '}
          {job.estimatedCostUsd === null ? 'unknown' : `$${job.estimatedCostUsd.toFixed(3)}`}
        </s-paragraph>
        {fetcher.data && 'error' in fetcher.data ? (
          <s-banner tone="critical">{fetcher.data.error}</s-banner>
        ) : null}
      </s-section>
      <s-section heading="Before and after">
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill,minmax(320px,1fr))', gap: 16 }}>
          {items.map((item) => (
            <div
              key={item.id}
              data-item={item.productTitle}
              data-state={item.state}
              style={{ border: '1px solid #e3e3e3', borderRadius: 12, padding: 12, background: '#fff' }}
            >
              <s-stack gap="small-200">
                <s-stack direction="inline" gap="small-200">
                  <s-text type="strong">{item.productTitle}</s-text>
                  <s-text>image {item.position}</s-text>
                  <s-badge tone={tones[item.state] ?? 'neutral'}>{stateLabels[item.state]}</s-badge>
                </s-stack>
                <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 8 }}>
                  <img
                    src={item.before}
                    alt={item.alt ?? `${item.productTitle} before`}
                    style={{ width: '100%', aspectRatio: '1', objectFit: 'contain', background: '#f6f6f7' }}
                  />
                  <div
                    style={{
                      ...checkerboard,
                      aspectRatio: '1',
                      display: 'flex',
                      alignItems: 'center',
                      justifyContent: 'center',
                    }}
                  >
                    {item.after ? (
                      <img
                        src={item.after}
                        alt={`${item.productTitle} after`}
                        style={{ width: '100%', height: '100%', objectFit: 'contain' }}
                      />
                    ) : (
                      <s-text>{item.state === 'failed' ? 'No result' : '…'}</s-text>
                    )}
                  </div>
                </div>
                {item.error ? <s-banner tone="critical">{item.error}</s-banner> : null}
                <s-stack direction="inline" gap="small-200">
                  {['ready', 'rejected'].includes(item.state) ? (
                    <s-button onClick={() => act('approve', item.id)}>Approve</s-button>
                  ) : null}
                  {['ready', 'approved'].includes(item.state) ? (
                    <s-button onClick={() => act('reject', item.id)}>Reject</s-button>
                  ) : null}
                  {['ready', 'rejected', 'approved', 'failed'].includes(item.state) ? (
                    <s-button onClick={() => act('regenerate', item.id)}>Regenerate</s-button>
                  ) : null}
                  {item.state === 'written' ? (
                    <s-button onClick={() => act('revert', item.id)}>Revert</s-button>
                  ) : null}
                </s-stack>
              </s-stack>
            </div>
          ))}
        </div>
      </s-section>
    </s-page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
