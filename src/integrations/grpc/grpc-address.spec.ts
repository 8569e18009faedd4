import { parseGrpcAddress, pinnedTarget } from './grpc-address';

describe('gRPC resource address', () => {
  it.each([
    ['orders.internal:50051', { host: 'orders.internal', port: 50051 }],
    ['127.0.0.1:443', { host: '127.0.0.1', port: 443 }],
    ['[::1]:50051', { host: '::1', port: 50051 }],
  ])('parses %s', (address, expected) => {
    expect(parseGrpcAddress(address)).toEqual(expected);
  });

  it.each([
    ['unix:/var/run/app.sock', /no scheme|not allowed/],
    ['unix:///var/run/app.sock', /not allowed/],
    ['dns:///orders.internal:443', /not allowed/],
    ['orders.internal', /must be host:port/],
    ['orders.internal:0', /between 1 and 65535/],
    ['orders.internal:70000', /between 1 and 65535/],
    ['[nothing]:1', /must be host:port|not an IPv6/],
    ['http://orders.internal:80', /not allowed/],
  ])('refuses %s', (address, problem) => {
    const parsed = parseGrpcAddress(address);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it('pins the channel to the checked address so grpc-js resolves nothing itself', () => {
    expect(pinnedTarget({ address: '10.1.2.3', family: 4 }, 443)).toBe('ipv4:10.1.2.3:443');
    expect(pinnedTarget({ address: 'fd00::1', family: 6 }, 443)).toBe('ipv6:[fd00::1]:443');
  });
});
