import { webSocketTarget } from './websocket-target';

describe('websocket target URL', () => {
  it('is the resource URL without a path', () => {
    expect(webSocketTarget('wss://h.example/ws?token=abc', undefined)).toBe('wss://h.example/ws?token=abc');
    expect(webSocketTarget('ws://h.example/ws', '')).toBe('ws://h.example/ws');
  });

  it('joins the path under the resource path and appends its query to the resource query', () => {
    expect(webSocketTarget('ws://h.example:8080/ws/', '/orders/42')).toBe('ws://h.example:8080/ws/orders/42');
    expect(webSocketTarget('ws://h.example/ws?token=abc', 'orders?since=now')).toBe('ws://h.example/ws/orders?token=abc&since=now');
    expect(webSocketTarget('ws://h.example/ws', '?room=a')).toBe('ws://h.example/ws?room=a');
  });

  it('never leaves the resource host, whatever the path says', () => {
    expect(new URL(webSocketTarget('ws://h.example/ws', '//evil.example/x')).host).toBe('h.example');
    expect(new URL(webSocketTarget('ws://h.example/ws', 'ws://evil.example/x')).host).toBe('h.example');
    expect(new URL(webSocketTarget('ws://h.example/ws', '/../../x')).host).toBe('h.example');
  });
});
