import { describe, expect, it } from 'vitest';
import { EndpointRefusedError } from '../errors.js';
import { addressRefusal, checkEndpointHost } from './endpoint-policy.js';

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
  ])('refuses %s (%s) by default', (address, range) => {
    expect(addressRefusal(address)).toContain(range);
  });

  it('lets public addresses through', () => {
    expect(addressRefusal('8.8.8.8')).toBeUndefined();
    expect(addressRefusal('2001:4860:4860::8888')).toBeUndefined();
    expect(addressRefusal('::ffff:8.8.8.8')).toBeUndefined();
  });

  it('opens loopback and private ranges only when asked, never link-local', () => {
    const local = { allowPrivate: true };
    expect(addressRefusal('127.0.0.2', local)).toBeUndefined();
    expect(addressRefusal('192.168.0.7', local)).toBeUndefined();
    expect(addressRefusal('::ffff:10.0.0.1', local)).toBeUndefined();
    expect(addressRefusal('169.254.169.254', local)).toContain('linkLocal');
    expect(addressRefusal('0.0.0.0', local)).toContain('unspecified');
  });

  it('refuses what is not a plain address', () => {
    expect(addressRefusal('localhost')).toBe('is not an IP address');
    expect(addressRefusal('127.1')).toContain('dotted-decimal');
  });
});

describe('checkEndpointHost', () => {
  const refused = (url: string, policy = {}) => {
    try {
      checkEndpointHost(new URL(url), policy);
    } catch (error) {
      expect(EndpointRefusedError.isInstance(error)).toBe(true);
      return (error as Error).message;
    }
    return undefined;
  };

  it('refuses numeric spellings the URL parser normalises', () => {
    expect(refused('http://0x7f.1:80')).toContain('127.0.0.1 is a loopback address');
    expect(refused('http://2130706433:80')).toContain('loopback');
    expect(refused('http://[::ffff:a9fe:a9fe]:80')).toContain('linkLocal');
  });

  it('refuses port 0 whatever the host', () => {
    expect(refused('http://8.8.8.8:0', { allowPrivate: true })).toContain('port 0');
  });

  it('passes a host name on, to be checked where it resolves', () => {
    expect(checkEndpointHost(new URL('http://miner.example:8091'))).toEqual({ isName: true });
    expect(checkEndpointHost(new URL('http://8.8.4.4:8091'))).toEqual({ isName: false });
  });
});
