import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('assembles events split across chunks, with CRLF, comments and multi-line data', () => {
    const parser = new SseParser();
    const text = ': keep-alive\r\nevent: snapshot\r\nid: 3\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: update\ndata: {"b":2}\n\n';
    const events = [...text].flatMap((ch) => parser.push(ch));
    expect(events).toEqual([
      { event: 'snapshot', id: '3', data: '{"a":\n1}' },
      { event: 'update', id: '3', data: '{"b":2}' },
    ]);
  });

  it('defaults the event name to message and ignores events without data', () => {
    const parser = new SseParser();
    expect(parser.push('event: ping\n\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});
