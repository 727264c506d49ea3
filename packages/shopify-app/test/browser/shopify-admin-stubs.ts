/**
 * What the Shopify admin would load into the embedded page, stubbed for a browser test with no
 * internet: App Bridge (session token on the app's own requests, a resource picker that answers
 * with the given products, toasts recorded) and a few Polaris styles so screenshots are readable.
 */
export function appBridgeStub(token: string, pickedProductIds: string[]): string {
  return `(() => {
  const token = ${JSON.stringify(token)};
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set('Authorization', 'Bearer ' + token);
    return originalFetch(input, { ...init, headers });
  };
  window.__toasts = [];
  window.__pickerCalls = [];
  window.shopify = {
    config: { apiKey: 'testApiKey', shop: 'test-shop.myshopify.com' },
    idToken: async () => token,
    toast: { show: (message) => window.__toasts.push(message) },
    resourcePicker: async (options) => {
      window.__pickerCalls.push(options);
      return ${JSON.stringify(pickedProductIds)}.map((id) => ({ id }));
    },
  };
})();`;
}

export const polarisStub = `(() => {
  const style = document.createElement('style');
  style.textContent = \`
    body { font-family: Inter, system-ui, sans-serif; background: #f1f1f1; margin: 0; color: #303030; font-size: 13px; }
    s-page { display: block; max-width: 1100px; margin: 0 auto; padding: 16px; }
    s-page::before { content: attr(heading); display: block; font-size: 20px; font-weight: 700; margin: 4px 0 12px; }
    s-section { display: block; background: #fff; border-radius: 12px; padding: 16px; margin: 12px 0; box-shadow: 0 1px 2px #0002; }
    s-section::before { content: attr(heading); display: block; font-weight: 650; margin-bottom: 10px; }
    s-button { display: inline-block; padding: 6px 12px; margin: 2px; border-radius: 8px; background: #fff; border: 1px solid #c9c9c9; cursor: pointer; }
    s-button[variant=primary] { background: #303030; color: #fff; }
    s-button[disabled] { opacity: .45; }
    s-badge { display: inline-block; padding: 1px 8px; border-radius: 8px; background: #e3e3e3; }
    s-badge[tone=success] { background: #cdfee1; } s-badge[tone=critical] { background: #fedad9; } s-badge[tone=info] { background: #e0f0ff; }
    s-banner { display: block; padding: 8px 12px; border-radius: 8px; background: #fff1e3; margin: 6px 0; }
    s-stack { display: flex; flex-direction: column; gap: 8px; } s-stack[direction=inline] { flex-direction: row; flex-wrap: wrap; align-items: center; }
    s-table { display: table; width: 100%; border-collapse: collapse; } s-table-header-row, s-table-row { display: table-row; }
    s-table-header, s-table-cell { display: table-cell; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: middle; }
    s-table-header { font-weight: 600; } s-table-body { display: table-row-group; }
    s-thumbnail { display: inline-block; width: 40px; height: 40px; background: center / cover no-repeat #f6f6f7; border-radius: 6px; }
    s-select, s-text-field, s-search-field, s-checkbox, s-color-field, s-number-field { display: inline-block; min-width: 120px; padding: 4px 8px; border: 1px solid #c9c9c9; border-radius: 8px; background: #fff; }
    s-select::before, s-text-field::before, s-search-field::before, s-checkbox::before, s-color-field::before { content: attr(label); color: #616161; }
    s-option { display: none; } s-app-nav { display: none; }
  \`;
  document.head.appendChild(style);
  // Thumbnails are drawn from their src, as Polaris does.
  const paint = () => document.querySelectorAll('s-thumbnail[src]').forEach((element) => {
    element.style.backgroundImage = 'url(' + element.getAttribute('src') + ')';
  });
  new MutationObserver(paint).observe(document.documentElement, { subtree: true, childList: true });
  paint();
})();`;
