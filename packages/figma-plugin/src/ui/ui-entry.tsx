import { render } from 'preact';
import { falProxyUrl } from './build-settings.js';
import { createMainBridge } from './main-bridge.js';
import { PluginApp } from './plugin-app.js';
import './plugin.css';

const root = document.getElementById('root');
if (root) render(<PluginApp bridge={createMainBridge()} falProxyUrl={falProxyUrl} />, root);
