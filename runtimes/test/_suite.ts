/**
 * The whole suite for one runtime: every case of `cases.ts` and `plugin-cases.ts`, then every flow of
 * `flows.ts`, each a test of its own, sent through the runtime's `send`.
 */
import { expect, it } from 'vitest'
import { cases } from '../src/cases'
import { mismatches, toRequest } from '../src/check'
import { flows, leavingFlow, type Send } from '../src/flows'
import { pluginCases } from '../src/plugin-cases'

/**
 * Declares the suite's tests inside the caller's `describe`; `target` is read when the tests run (after
 * `beforeAll` started the runtime). `clientLeaving` is the one behaviour that differs by runtime: whether an
 * event stream's producer learns that its client left (see `leavingFlow`).
 *
 * @example
 * describe('bun', () => runtimeSuite(() => ({ send: (r) => fetch(r), origin: served.origin })))
 */
export function runtimeSuite(
  target: () => { send: Send; origin: string },
  clientLeaving: 'aborts' | 'unseen' = 'aborts',
): void {
  it.each([...cases, ...pluginCases].map((c) => [c.name, c] as const))('%s', async (_name, c) => {
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
