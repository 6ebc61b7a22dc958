/**
 * The whole suite for one runtime: every case of `cases.ts` and `plugin-cases.ts`, then every flow of
 * `flows.ts`, each a test of its own, sent through the runtime's `send`.
 */
import type { Miniflare } from 'miniflare'
import { expect, it } from 'vitest'
import { cases as coreCases, type RuntimeCase } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { flows as allFlows, leavingFlow, type RuntimeFlow, type Send } from '../src/flows'
import { pluginCases } from '../src/plugin-cases'

/** Which part of the suite a runtime runs, and how its event streams see a client leave. */
export interface SuiteOptions {
  /** @default every case: core's and the plugins' */
  cases?: RuntimeCase[]
  /** @default every flow */
  flows?: RuntimeFlow[]
  /** Whether an event stream's producer learns that its client left (see `leavingFlow`). @default 'aborts' */
  clientLeaving?: 'aborts' | 'unseen'
}

/**
 * Declares the suite's tests inside the caller's `describe`; `target` is read when the tests run (after
 * `beforeAll` started the runtime).
 *
 * @example
 * describe('bun', () => runtimeSuite(() => ({ send: (r) => fetch(r), origin: served.origin })))
 */
export function runtimeSuite(target: () => { send: Send; origin: string }, options: SuiteOptions = {}): void {
  const { cases = [...coreCases, ...pluginCases], flows = allFlows, clientLeaving = 'aborts' } = options
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { send, origin } = target()
    expect(await mismatches(c, await send(toRequest(c, origin)))).toEqual([])
  })
  it.each([...flows, leavingFlow(clientLeaving)].map((f) => [f.name, f] as const))(
    '%s',
    async (_name, flow) => {
      const { send, origin } = target()
      expect(await flow.run(send, origin)).toEqual([])
    },
  )
}

/**
 * Sends over a real socket, as a browser would: redirects are not followed.
 *
 * @example
 * const res = await overSocket(new Request('http://127.0.0.1:8000/'))
 */
export const overSocket: Send = (request) => fetch(request, { redirect: 'manual' })

/**
 * Sends into workerd through miniflare's `dispatchFetch`, which takes undici's request options; its Response
 * is read the same way.
 *
 * @example
 * const send = intoMiniflare(mf)
 */
export function intoMiniflare(mf: Miniflare): Send {
  return async (request) =>
    (await mf.dispatchFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text(),
      redirect: 'manual',
    })) as unknown as Response
}
