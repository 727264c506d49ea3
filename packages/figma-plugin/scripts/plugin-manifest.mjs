// Figma's manifest for this plugin. Figma lets the plugin reach only the domains listed here, so
// the list names exactly the hosts the bundled code calls (checked by the browser test).

/** Hosts the fal adapter calls: the queue, storage uploads, and the CDN that serves files. */
const falDomains = [
  'https://queue.fal.run',
  'https://rest.fal.ai',
  'https://fal.media',
  'https://*.fal.media',
];
/** inference.sh's task API, and its file hosts under the same domain. */
const inferenceShDomains = ['https://api.inference.sh', 'https://*.inference.sh'];

/**
 * @param {{ falProxyUrl?: string | undefined }} options A team's fal server proxy, set at build time.
 */
export function createPluginManifest(options = {}) {
  const proxyOrigin = options.falProxyUrl ? new URL(options.falProxyUrl).origin : undefined;
  const allowedDomains = [...(proxyOrigin ? [proxyOrigin] : []), ...falDomains, ...inferenceShDomains];
  return {
    name: 'Backdrop',
    // Replace with the id Figma assigns when the plugin is published.
    id: 'backdrop-background-tools',
    api: '1.0.0',
    editorType: ['figma'],
    documentAccess: 'dynamic-page',
    main: 'build/main.js',
    ui: 'build/ui.html',
    menu: [
      { name: 'Open Backdrop', command: 'open' },
      { name: 'Remove background', command: 'remove-background' },
      { separator: true },
      { name: 'Settings', command: 'settings' },
    ],
    relaunchButtons: [{ command: 'remove-background', name: 'Remove background' }],
    networkAccess: {
      allowedDomains,
      reasoning: [
        'Backdrop sends the selected images to the background-removal provider the designer chooses:',
        'fal.ai (queue.fal.run runs the job, rest.fal.ai and *.fal.media store the uploaded image and the result)',
        'and inference.sh (api.inference.sh runs the task, *.inference.sh stores its files).',
        proxyOrigin ? `${proxyOrigin} is the team's own server, which holds the fal key.` : '',
      ]
        .filter(Boolean)
        .join(' '),
      devAllowedDomains: ['http://localhost:*', 'http://127.0.0.1:*'],
    },
  };
}
