import { bearerToken, sourceIp } from '../../lib/http/middleware';

describe('bearerToken', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

  it.each([
    [`Bearer ${jwt}`, jwt],
    [`bearer ${jwt}`, jwt],
    [`Bearer   ${jwt}  `, jwt],
    [jwt, jwt],
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    [`Basic ${Buffer.from('john.doe:pw').toString('base64')}`, undefined],
    [`Token ${jwt}`, undefined],
    ['ahk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', undefined],
  ])('reads %j as %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});

describe('sourceIp', () => {
  it('takes REST (v1) and HTTP API (v2) source addresses, never X-Forwarded-For', () => {
    expect(sourceIp({ requestContext: { identity: { sourceIp: '198.51.100.1' } } } as never)).toBe('198.51.100.1');
    expect(sourceIp({ requestContext: { http: { sourceIp: '198.51.100.2' } } } as never)).toBe('198.51.100.2');
    expect(sourceIp({ requestContext: {}, headers: { 'x-forwarded-for': '1.2.3.4' } } as never)).toBe('unknown');
  });
});
