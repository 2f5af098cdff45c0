/*
 * The lab's page: the machine, or, when the page is not cross-origin
 * isolated (no SharedArrayBuffer, so no machine), why and how to fix it.
 */
import { IsolationHelp } from './components/IsolationHelp.tsx';
import { Lab } from './components/Lab.tsx';

export function App() {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  return isolated ? <Lab /> : <IsolationHelp />;
}
