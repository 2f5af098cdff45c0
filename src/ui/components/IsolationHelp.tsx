/*
 * Shown instead of the machine when the page is not cross-origin isolated:
 * the machine's harts share memory (SharedArrayBuffer), which browsers only
 * allow on isolated pages. Says why, and how to fix it.
 */
export function IsolationHelp() {
  return (
    <main className="isolation-help" data-testid="isolation-help">
      <h1>HyperLab cannot start here</h1>
      <p className="lead">
        This page is not <strong>cross-origin isolated</strong>, so the browser does not offer
        <code> SharedArrayBuffer</code>. HyperLab needs it: each core (hart) of the emulated computer runs in its own
        Web Worker, and all of them share one block of memory that holds the computer's RAM and devices.
      </p>
      <h2>How to fix it</h2>
      <ul>
        <li>
          Serve the page with these two HTTP headers (on the page and its scripts):
          <pre>{'Cross-Origin-Opener-Policy: same-origin\nCross-Origin-Embedder-Policy: require-corp'}</pre>
        </li>
        <li>
          From a checkout, <code>npm run dev</code> or <code>npm run build && npm run preview</code> sends them already.
        </li>
        <li>
          On a static host that cannot set headers (for example GitHub Pages), open the lab over HTTPS: it installs
          a small service worker that adds the headers, and reloads once. If you still see this page, the browser
          refused the service worker (private mode, or service workers disabled).
        </li>
        <li>Use a current Chrome, Edge, Firefox or Safari; open the page itself, not inside a frame of another site.</li>
      </ul>
    </main>
  );
}
