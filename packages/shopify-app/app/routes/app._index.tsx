import { boundary } from '@shopify/shopify-app-react-router/server';
import type { HeadersFunction, LoaderFunctionArgs } from 'react-router';
import { useFetcher, useLoaderData } from 'react-router';
import { describeOperation, type OperationSettings } from '../processing/operation-settings';
import { appServices } from '../services.server';
import { authenticate } from '../shopify.server';

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { store } = await appServices();
  const jobs = await store.jobs(session.shop);
  const counts = await store.itemCounts(jobs.map((job) => job.id));
  const errors = await store.itemErrors(jobs.map((job) => job.id));
  return {
    jobs: jobs.map((job) => {
      const jobCounts = counts.get(job.id) ?? {};
      const { costUsd = 0, ...states } = jobCounts;
      return {
        id: job.id,
        state: job.state,
        operation: describeOperation(job.operation as OperationSettings),
        provider: job.provider,
        createdAt: job.createdAt.toISOString(),
        states,
        costUsd,
        estimatedCostUsd: job.estimatedCostUsd,
        errors: errors.get(job.id) ?? [],
      };
    }),
  };
};

export default function History() {
  const { jobs } = useLoaderData<typeof loader>();
  const fetcher = useFetcher();
  const revert = (jobId: string) => {
    const form = new FormData();
    form.set('intent', 'revert');
    fetcher.submit(form, { method: 'post', action: `/app/jobs/${jobId}` });
  };
  return (
    <s-page heading="History">
      <s-button slot="primary-action" variant="primary" href="/app/products">
        Clean up photos
      </s-button>
      {jobs.length === 0 ? (
        <s-section heading="No jobs yet">
          <s-paragraph>
            Pick products, choose what to do with their photos, preview and approve: nothing changes in your
            shop before you write back, and every write can be reverted.
          </s-paragraph>
        </s-section>
      ) : (
        <s-section heading="Jobs">
          <s-table>
            <s-table-header-row>
              <s-table-header>Started</s-table-header>
              <s-table-header>Operation</s-table-header>
              <s-table-header>State</s-table-header>
              <s-table-header>Images</s-table-header>
              <s-table-header>Cost</s-table-header>
              <s-table-header>Actions</s-table-header>
            </s-table-header-row>
            <s-table-body>
              {jobs.map((job) => (
                <s-table-row key={job.id}>
                  <s-table-cell>{new Date(job.createdAt).toLocaleString()}</s-table-cell>
                  <s-table-cell>
                    <s-link href={`/app/jobs/${job.id}`}>{job.operation}</s-link>
                    {job.errors.length > 0 ? (
                      <s-text tone="critical">
                        {' '}
                        {job.errors.slice(0, 3).join(' · ')}
                        {job.errors.length > 3 ? ` (+${job.errors.length - 3} more)` : ''}
                      </s-text>
                    ) : null}
                  </s-table-cell>
                  <s-table-cell>
                    <s-badge>{job.state}</s-badge>
                  </s-table-cell>
                  <s-table-cell>
                    {Object.entries(job.states)
                      .map(([state, count]) => `${count} ${state}`)
                      .join(', ')}
                  </s-table-cell>
                  <s-table-cell>
                    {job.provider === 'local' || job.costUsd === 0 ? '$0.000' : `$${job.costUsd.toFixed(3)}`}
                  </s-table-cell>
                  <s-table-cell>
                    {(job.states.written ?? 0) > 0 ? (
                      <s-button onClick={() => revert(job.id)}>Revert job</s-button>
                    ) : null}
                  </s-table-cell>
                </s-table-row>
              ))}
            </s-table-body>
          </s-table>
        </s-section>
      )}
    </s-page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
