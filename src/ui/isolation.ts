/*
 * Cross-origin isolation on hosts that cannot send headers (static
 * hosting such as GitHub Pages): public/isolation-worker.js, a service
 * worker, adds COOP and COEP to every response of this site, and the page
 * reloads once under it. Servers that send the headers themselves (npm run
 * dev, npm run preview) never need it, and it is not used on localhost,
 * where a missing header is a configuration to fix, not to paper over.
 */

const RELOADED = 'hyperlab-isolation-reload';

/** Registers the isolation service worker and reloads once; resolves false where that cannot help. */
export async function enableIsolationWorker(): Promise<boolean> {
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
  if (local || !window.isSecureContext || !('serviceWorker' in navigator)) return false;
  if (sessionStorage.getItem(RELOADED)) return false; // it did not help: show the explanation
  try {
    await navigator.serviceWorker.register(import.meta.env.BASE_URL + 'isolation-worker.js');
    await navigator.serviceWorker.ready;
    sessionStorage.setItem(RELOADED, '1');
    location.reload();
    return true;
  } catch {
    return false;
  }
}
