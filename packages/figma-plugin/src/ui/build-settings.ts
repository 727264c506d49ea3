// Set at build time (scripts/build-plugin.mjs, from BACKDROP_FAL_PROXY_URL): a team that keeps its
// fal key on its own server builds the plugin with that server's fal proxy URL.
declare const __BACKDROP_FAL_PROXY_URL__: string | undefined;

export const falProxyUrl: string | undefined =
  typeof __BACKDROP_FAL_PROXY_URL__ === 'string' && __BACKDROP_FAL_PROXY_URL__ !== ''
    ? __BACKDROP_FAL_PROXY_URL__
    : undefined;
