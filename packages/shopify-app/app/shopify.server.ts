import '@shopify/shopify-app-react-router/adapters/node';
import { setAbstractFetchFunc } from '@shopify/shopify-api/runtime';
import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
} from '@shopify/shopify-app-react-router/server';
import { testConfig } from '@shopify/shopify-app-react-router/test-helpers';
import { createAdminOriginFetch, parseAdminOrigins } from './admin/admin-origin.server';
import { readEnvironment } from './config.server';
import { database } from './db/app-database.server';
import { createLazySessionStorage } from './db/lazy-session-storage.server';

const environment = readEnvironment();
if (environment.adminApiOrigin)
  setAbstractFetchFunc(createAdminOriginFetch(parseAdminOrigins(environment.adminApiOrigin)));

const sessionStorage_ = createLazySessionStorage(database);
// Tests and the demo run against the fake shop with Shopify's test configuration (its README's pattern).
const testing = process.env.SHOPIFY_TESTING
  ? testConfig({
      sessionStorage: sessionStorage_,
      apiVersion: ApiVersion.October25,
      ...(environment.appUrl ? { appUrl: environment.appUrl } : {}),
      logger: { level: LogSeverity.Error },
    })
  : {};

const shopify = shopifyApp({
  apiKey: environment.apiKey,
  apiSecretKey: environment.apiSecretKey,
  apiVersion: ApiVersion.October25,
  scopes: environment.scopes,
  appUrl: environment.appUrl,
  authPathPrefix: '/auth',
  sessionStorage: sessionStorage_,
  distribution: AppDistribution.AppStore,
  future: { expiringOfflineAccessTokens: true },
  ...testing,
});

export default shopify;
export const apiVersion = ApiVersion.October25;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
