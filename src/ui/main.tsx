import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './lab.css';
import { App } from './App.tsx';
import { labConfig } from './config.ts';
import { startLab } from './lab.ts';
import { enableIsolationWorker } from './isolation.ts';

if (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated) {
  void startLab(labConfig(location.search));
} else {
  void enableIsolationWorker();
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
