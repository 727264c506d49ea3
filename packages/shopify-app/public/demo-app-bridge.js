// Demo only (pnpm demo): a stand-in for App Bridge outside the Shopify admin. It keeps the session
// token the demo URL carries and adds it to the app's own requests, as App Bridge does.
(() => {
  const fromUrl = new URLSearchParams(window.location.search).get('id_token');
  if (fromUrl) sessionStorage.setItem('backdrop-demo-token', fromUrl);
  const token = () => sessionStorage.getItem('backdrop-demo-token') || '';
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    if (url.origin !== window.location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set('Authorization', `Bearer ${token()}`);
    return originalFetch(input, { ...init, headers });
  };
  const toasts = [];
  window.shopify = {
    config: { apiKey: 'demo', shop: 'test-shop.myshopify.com' },
    idToken: async () => token(),
    toast: {
      show(message) {
        toasts.push(message);
        console.info(`[toast] ${message}`);
      },
    },
    // The real picker lives in the Shopify admin; in the demo, select products in the list.
    resourcePicker: async () => {
      window.alert(
        'The resource picker opens inside the Shopify admin. In the demo, select products in the list.',
      );
      return undefined;
    },
    __toasts: toasts,
  };
})();
