/*
 * The management client's own behaviour, against a scripted daemon: lines
 * split across output chunks, replies matched to requests by id whatever
 * their order, errors as ManagementError, events to subscribers, text
 * that is not the protocol ignored, a reply that never comes timed out.
 * (src/system/mgmtport.test.ts drives it against the real daemon.)
 */
import { describe, expect, it } from 'vitest';
import type { ConsoleStream } from './api.ts';
import { consoleTransport, ManagementClient, ManagementError } from './management.ts';

function fakeConsole() {
  const listeners: ((bytes: Uint8Array) => void)[] = [];
  const written: string[] = [];
  const stream = {
    onOutput: (listener: (bytes: Uint8Array) => void) => { listeners.push(listener); return () => {}; },
    write: (data: Uint8Array | string) => { written.push(typeof data === 'string' ? data : new TextDecoder().decode(data)); },
  } as unknown as ConsoleStream;
  const emit = (text: string) => { for (const l of listeners) l(new TextEncoder().encode(text)); };
  return { stream, written, emit };
}

describe('the management client', () => {
  it('matches replies to requests by id, in any order, and across chunks', async () => {
    const { stream, written, emit } = fakeConsole();
    const client = new ManagementClient(consoleTransport(stream));
    const a = client.pause('web');
    const b = client.list();
    expect(written.map((w) => JSON.parse(w))).toEqual([
      { v: 1, id: 1, op: 'pause', domain: 'web' }, { v: 1, id: 2, op: 'list' }]);
    emit('mgmt: ready\n{"v":1,"id":2,"ok":true,"result":{"dom');
    emit('ains":[]}}\r\n{"v":1,"id":1,"ok":false,"error":{"code":"ESRCH","message":"no domain web"}}\n');
    expect(await b).toEqual({ domains: [] });
    const error = await a.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementError);
    expect(error).toMatchObject({ code: 'ESRCH', op: 'pause', message: 'pause: no domain web (ESRCH)' });
  });

  it('passes events to subscribers and times out a reply that never comes', async () => {
    const { stream, written, emit } = fakeConsole();
    const client = new ManagementClient(consoleTransport(stream), { timeoutMs: 50 });
    const seen: unknown[] = [];
    const subscribing = client.subscribe((domains) => seen.push(domains));
    emit('{"v":1,"id":1,"ok":true,"result":{}}\n{"v":1,"event":"domains","domains":[{"id":0}]}\n{"v":2,"event":"domains","domains":[]}\n');
    await subscribing;
    expect(seen).toEqual([[{ id: 0 }]]);
    expect(JSON.parse(written[0])).toEqual({ v: 1, id: 1, op: 'subscribe' });
    await expect(client.host()).rejects.toMatchObject({ code: 'timeout' });
    client.close();
  });
});
