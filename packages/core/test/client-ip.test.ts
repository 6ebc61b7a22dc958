import { describe, expect, it } from 'vitest'
import { clientIp } from '../src/http/client-ip'

const PEER = '10.0.0.2'

describe('clientIp()', () => {
  describe('without proxy headers', () => {
    it('is the peer address at every trust level', () => {
      for (const trust of [false, true, 0, 1, 3]) expect(clientIp(PEER, {}, trust)).toBe(PEER)
    })

    it('is undefined when the peer is unknown too', () => {
      expect(clientIp(undefined, {}, true)).toBeUndefined()
      expect(clientIp(undefined, {}, false)).toBeUndefined()
    })

    it('ignores other headers', () => {
      expect(clientIp(PEER, { 'x-real-ip': '203.0.113.7', host: 'example.com' }, true)).toBe(PEER)
    })
  })

  describe('trust levels', () => {
    const xff = { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.1' }

    it('ignores proxy headers with false or 0', () => {
      expect(clientIp(PEER, xff, false)).toBe(PEER)
      expect(clientIp(PEER, xff, 0)).toBe(PEER)
      expect(clientIp(PEER, { forwarded: 'for=203.0.113.7' }, false)).toBe(PEER)
    })

    it('takes the left-most entry with true', () => {
      expect(clientIp(PEER, xff, true)).toBe('6.6.6.6')
    })

    it('believes one more entry from the right per trusted proxy', () => {
      expect(clientIp(PEER, xff, 1)).toBe('10.0.0.1')
      expect(clientIp(PEER, xff, 2)).toBe('203.0.113.7')
      expect(clientIp(PEER, xff, 3)).toBe('6.6.6.6')
    })

    it('stops at the left-most entry when more proxies are trusted than there are entries', () => {
      expect(clientIp(PEER, xff, 10)).toBe('6.6.6.6')
    })

    it('uses a proxy header even when the peer is unknown (fetch)', () => {
      expect(clientIp(undefined, xff, 1)).toBe('10.0.0.1')
    })
  })

  describe('X-Forwarded-For', () => {
    it('takes a single address', () => {
      expect(clientIp(PEER, { 'x-forwarded-for': '203.0.113.7' }, 1)).toBe('203.0.113.7')
    })

    it('trims spaces and skips empty list items', () => {
      const headers = { 'x-forwarded-for': ' , 203.0.113.7 ,,  198.51.100.1 , ' }
      expect(clientIp(PEER, headers, true)).toBe('203.0.113.7')
      expect(clientIp(PEER, headers, 1)).toBe('198.51.100.1')
    })

    it('joins several header lines in order', () => {
      const headers = { 'x-forwarded-for': ['203.0.113.7, 198.51.100.1', '192.0.2.9'] }
      expect(clientIp(PEER, headers, true)).toBe('203.0.113.7')
      expect(clientIp(PEER, headers, 1)).toBe('192.0.2.9')
      expect(clientIp(PEER, headers, 2)).toBe('198.51.100.1')
    })

    it('keeps IPv6 addresses whole', () => {
      expect(clientIp(PEER, { 'x-forwarded-for': '2001:db8::1, ::ffff:192.0.2.1' }, 2)).toBe('2001:db8::1')
      expect(clientIp(PEER, { 'x-forwarded-for': '2001:db8::1, ::ffff:192.0.2.1' }, 1)).toBe(
        '::ffff:192.0.2.1',
      )
    })

    it('falls back to the peer when the header is empty', () => {
      expect(clientIp(PEER, { 'x-forwarded-for': ' , ' }, true)).toBe(PEER)
      expect(clientIp(PEER, { 'x-forwarded-for': '' }, 1)).toBe(PEER)
    })
  })

  describe('Forwarded (RFC 7239)', () => {
    it('reads the for= parameter among others', () => {
      expect(clientIp(PEER, { forwarded: 'proto=https;for=192.0.2.60;by=203.0.113.43' }, 1)).toBe(
        '192.0.2.60',
      )
    })

    it('matches the parameter name in any case', () => {
      expect(clientIp(PEER, { forwarded: 'For=192.0.2.60' }, 1)).toBe('192.0.2.60')
      expect(clientIp(PEER, { forwarded: 'FOR=192.0.2.61' }, 1)).toBe('192.0.2.61')
    })

    it('removes quotes, IPv6 brackets and ports', () => {
      expect(clientIp(PEER, { forwarded: 'for="[2001:db8:cafe::17]:4711"' }, 1)).toBe('2001:db8:cafe::17')
      expect(clientIp(PEER, { forwarded: 'for="[2001:db8:cafe::17]"' }, 1)).toBe('2001:db8:cafe::17')
      expect(clientIp(PEER, { forwarded: 'for="192.0.2.43:47011"' }, 1)).toBe('192.0.2.43')
      expect(clientIp(PEER, { forwarded: 'for=192.0.2.43:47011' }, 1)).toBe('192.0.2.43')
      expect(clientIp(PEER, { forwarded: 'for="192.0.2.44"' }, 1)).toBe('192.0.2.44')
    })

    it('reads every element of the list, from the right by trust', () => {
      const headers = {
        forwarded: 'for=192.0.2.43, for="[2001:db8::9]";proto=https, for=198.51.100.17;by=10.0.0.1',
      }
      expect(clientIp(PEER, headers, true)).toBe('192.0.2.43')
      expect(clientIp(PEER, headers, 1)).toBe('198.51.100.17')
      expect(clientIp(PEER, headers, 2)).toBe('2001:db8::9')
      expect(clientIp(PEER, headers, 3)).toBe('192.0.2.43')
    })

    it('joins several header lines', () => {
      expect(clientIp(PEER, { forwarded: ['for=192.0.2.1', 'for=192.0.2.2'] }, 1)).toBe('192.0.2.2')
    })

    it('wins over X-Forwarded-For', () => {
      const headers = { forwarded: 'for=192.0.2.60', 'x-forwarded-for': '203.0.113.7' }
      expect(clientIp(PEER, headers, true)).toBe('192.0.2.60')
    })

    it('falls back to X-Forwarded-For when it has no for= parameter', () => {
      const headers = { forwarded: 'proto=https;host=example.com', 'x-forwarded-for': '203.0.113.7' }
      expect(clientIp(PEER, headers, 1)).toBe('203.0.113.7')
    })

    it('falls back to the peer when neither header names a client', () => {
      expect(clientIp(PEER, { forwarded: 'proto=https' }, true)).toBe(PEER)
      expect(clientIp(PEER, { forwarded: 'garbage without pairs' }, 1)).toBe(PEER)
    })
  })
})
