import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFormRequest, adminPageRequest, routeArgs } from './admin-request';
import { startTestApp, type TestApp } from './test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('settings', () => {
  it('shows the defaults and the providers the server has keys for (names only)', async () => {
    const { loader } = await import('../app/routes/app.settings');
    expect(await loader(routeArgs(await adminPageRequest('/app/settings')))).toEqual({
      settings: {
        provider: 'auto',
        operation: 'remove-transparent',
        color: '#ffffff',
        includeAllImages: false,
      },
      providers: ['local'],
    });
  });

  it('saves the merchant’s defaults, which the products page then uses', async () => {
    const settings = await import('../app/routes/app.settings');
    const saved = await settings.action(
      routeArgs(
        await adminFormRequest('/app/settings', {
          provider: 'local',
          operation: 'color',
          color: '#F4F4F4',
          includeAllImages: 'on',
        }),
      ),
    );
    expect(saved).toEqual({ saved: true });
    const products = await import('../app/routes/app.products');
    const page = await products.loader(routeArgs(await adminPageRequest('/app/products')));
    expect(page.settings).toEqual({
      provider: 'local',
      operation: 'color',
      color: '#f4f4f4',
      includeAllImages: true,
    });
  });

  it('refuses a bad value, naming the field and what was wrong, and keeps what was saved', async () => {
    const settings = await import('../app/routes/app.settings');
    expect(
      await settings.action(
        routeArgs(await adminFormRequest('/app/settings', { provider: 'local', color: 'blue' })),
      ),
    ).toEqual({
      error: 'color: must be a colour like #ffffff; got "blue"',
    });
    expect(
      await settings.action(routeArgs(await adminFormRequest('/app/settings', { provider: 'openai' }))),
    ).toEqual({
      error: 'provider: must be one of auto, local, fal, inferencesh; got "openai"',
    });
    const { loader } = await import('../app/routes/app.settings');
    expect((await loader(routeArgs(await adminPageRequest('/app/settings')))).settings.color).toBe('#f4f4f4');
  });

  it('a job page refuses an unknown decision and another shop’s job', async () => {
    const job = await app.services.store.createJob({
      shop: 'test-shop.myshopify.com',
      operation: { kind: 'remove', background: 'transparent' },
      provider: 'local',
      estimatedCostUsd: 0,
      items: [],
    });
    const page = await import('../app/routes/app.jobs.$id');
    expect(
      await page.action(
        routeArgs(await adminFormRequest(`/app/jobs/${job.id}`, { intent: 'delete' }), { id: job.id }),
      ),
    ).toEqual({
      error: 'intent: must be one of approve, reject, regenerate, write, revert, retry; got "delete"',
    });
    const other = await app.services.store.createJob({
      shop: 'other-shop.myshopify.com',
      operation: { kind: 'remove', background: 'transparent' },
      provider: 'local',
      estimatedCostUsd: 0,
      items: [],
    });
    await expect(
      page.loader(routeArgs(await adminPageRequest(`/app/jobs/${other.id}`), { id: other.id })),
    ).rejects.toMatchObject({ status: 404 });
  });
});
