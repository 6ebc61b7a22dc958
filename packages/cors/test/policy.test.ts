import type { BriskRequest } from '@brisk/core'
import { describe, expect, it } from 'vitest'
import { answerPreflight, decorateActual } from '../src/hooks'
import { resolveOrigins } from '../src/origin'
import { resolvePolicy } from '../src/policy'
import { ALLOWED, OTHER } from './_apps'

const where = 'test'

/** Just what the hooks read of a request. */
function fakeRequest(method: string, headers: Record<string, string>): BriskRequest<any, any> {
  return { method, headers } as unknown as BriskRequest<any, any>
}

describe('resolvePolicy()', () => {
  it('builds every header value at registration, frozen', () => {
    const policy = resolvePolicy(
      {
        origins: [ALLOWED],
        methods: ['GET', 'POST'],
        allowHeaders: ['Content-Type'],
        exposeHeaders: ['X-Total', 'X-Page'],
        credentials: true,
        maxAge: 300,
        privateNetwork: true,
        preflightStatus: 200,
      },
      where,
    )
    expect(policy.preflight).toEqual({
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '300',
      'access-control-allow-private-network': 'true',
      vary: 'Origin',
    })
    expect(policy.actual).toEqual([
      'access-control-allow-credentials',
      'true',
      'access-control-expose-headers',
      'X-Total, X-Page',
    ])
    expect(policy.vary?.value).toBe('Origin')
    expect(policy.preflightStatus).toBe(200)
    expect(
      Object.isFrozen(policy) && Object.isFrozen(policy.preflight) && Object.isFrozen(policy.actual),
    ).toBe(true)
  })

  it("makes '*' send Access-Control-Allow-Origin: * with no Vary on actual responses", () => {
    const policy = resolvePolicy(undefined, where)
    expect(policy.wildcard).toBe(true)
    expect(policy.actual).toEqual(['access-control-allow-origin', '*'])
    expect(policy.vary).toBeNull()
    expect(policy.reflectHeaders).toBe(true)
    expect(policy.preflightVary.value).toBe('Origin, Access-Control-Request-Headers')
  })

  it('copies the lists it is given, so later changes to them do not leak in', () => {
    const methods = ['GET']
    const policy = resolvePolicy({ methods }, where)
    methods.push('DELETE')
    expect(policy.preflight['access-control-allow-methods']).toBe('GET')
  })
})

describe('resolveOrigins()', () => {
  const req = fakeRequest('GET', {})
  const allows = (option: Parameters<typeof resolveOrigins>[0], origin: string) => {
    const resolved = resolveOrigins(option, where)
    return resolved.wildcard || resolved.allows(origin, req)
  }

  it('compares one origin exactly', () => {
    expect(allows(ALLOWED, ALLOWED)).toBe(true)
    expect(allows(ALLOWED, `${ALLOWED}:443`)).toBe(false)
    expect(allows(ALLOWED, 'https://app.example.com.evil.net')).toBe(false)
  })

  it('looks strings up and tries patterns in a mixed list', () => {
    const option = ['http://localhost:5173', 'null', /^https:\/\/(www\.)?example\.org$/]
    expect(allows(option, 'http://localhost:5173')).toBe(true)
    expect(allows(option, 'null')).toBe(true)
    expect(allows(option, 'https://www.example.org')).toBe(true)
    expect(allows(option, 'https://example.org.evil.net')).toBe(false)
    expect(allows(option, 'http://localhost:5174')).toBe(false)
  })

  it('keeps a sticky or global pattern stateless', () => {
    const sticky = /^https:\/\/app\.example\.com$/y
    expect([1, 2, 3].map(() => allows(sticky, ALLOWED))).toEqual([true, true, true])
    expect([1, 2, 3].map(() => allows([/example\.com$/g], ALLOWED))).toEqual([true, true, true])
  })

  it('accepts IPv6 hosts and ports', () => {
    expect(allows(['http://[::1]:3000'], 'http://[::1]:3000')).toBe(true)
  })

  it('hands the function the origin and request as they are', () => {
    const resolved = resolveOrigins((origin, r) => origin === OTHER && r === req, where)
    expect(resolved.wildcard).toBe(false)
    if (!resolved.wildcard) expect(resolved.allows(OTHER, req)).toBe(true)
  })
})

describe('the hooks', () => {
  it('give each answered preflight its own headers, leaving the policy as it was', () => {
    const policy = resolvePolicy({ origins: [ALLOWED], maxAge: 5 }, where)
    const req = fakeRequest('OPTIONS', { origin: ALLOWED, 'access-control-request-method': 'PUT' })
    const first = answerPreflight(policy, req) as { headers: Record<string, string> }
    first.headers['access-control-max-age'] = '9999'
    const second = answerPreflight(policy, req) as { headers: Record<string, string> }
    expect(second.headers['access-control-max-age']).toBe('5')
    expect(policy.preflight['access-control-allow-origin']).toBeUndefined()
  })

  it('ignore requests that are not OPTIONS in the preflight hook', () => {
    const policy = resolvePolicy({}, where)
    const req = fakeRequest('PUT', { origin: ALLOWED, 'access-control-request-method': 'PUT' })
    expect(answerPreflight(policy, req)).toBeUndefined()
  })

  it('add nothing to a response when the async origin function refuses', async () => {
    const policy = resolvePolicy({ origins: async () => false }, where)
    const headers: Record<string, string | string[]> = {}
    await decorateActual(policy, fakeRequest('GET', { origin: ALLOWED }), { headers } as never)
    expect(headers).toEqual({ vary: 'Origin' })
  })
})
