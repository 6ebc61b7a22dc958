import { Brisk } from '@brisk/core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type CloseInfo,
  type SeenRequest,
  type TestClient,
  type TestResponse,
  type TestWebSocket,
  testClient,
  type WebSocketMessage,
} from '../../src/index'
import { type BriskFixtures, createTest } from '../../src/vitest'

describe('types', () => {
  it('types the client, responses and websockets', () => {
    const client = testClient(new Brisk())
    expectTypeOf(client).toEqualTypeOf<TestClient>()
    expectTypeOf(client.get('/')).toEqualTypeOf<Promise<TestResponse>>()
    expectTypeOf(client.withHeaders({ a: 'b' })).toEqualTypeOf<TestClient>()
    expectTypeOf<TestResponse['status']>().toEqualTypeOf<number>()
    expectTypeOf<TestResponse['headers']>().toEqualTypeOf<Headers>()
    expectTypeOf<TestResponse['request']>().toEqualTypeOf<SeenRequest>()
    expectTypeOf(({} as TestResponse).json()).toBeAny()
    expectTypeOf(({} as TestResponse).json<{ id: number }>()).toEqualTypeOf<{ id: number }>()
    expectTypeOf<SeenRequest['route']>().toEqualTypeOf<import('@brisk/core').RouteInfo | null>()
    expectTypeOf(client.websocket('/ws')).toEqualTypeOf<Promise<TestWebSocket>>()
    expectTypeOf<ReturnType<TestWebSocket['next']>>().toEqualTypeOf<Promise<WebSocketMessage>>()
    expectTypeOf<TestWebSocket['closed']>().toEqualTypeOf<Promise<CloseInfo>>()
    // @ts-expect-error: a mode that does not exist
    testClient(new Brisk(), { mode: 'socket' })
    // @ts-expect-error: bodies are strings, bytes or buffers; objects go in `json`
    client.post('/', { body: { a: 1 } })
  })

  it('types the fixtures with the factory app, and the matchers on expect', () => {
    const app = new Brisk<{ ctx: { user: string } }>()
    const test = createTest(() => app)
    test('fixtures', ({ app: got, client, clientOptions }) => {
      expectTypeOf(got).toEqualTypeOf<Brisk<{ ctx: { user: string } }>>()
      expectTypeOf(client).toEqualTypeOf<TestClient>()
      expectTypeOf(clientOptions).toEqualTypeOf<BriskFixtures['clientOptions']>()
    })
    const res = {} as TestResponse
    expectTypeOf(expect(res).toHaveStatus).parameter(0).toEqualTypeOf<number>()
    expectTypeOf(expect(res).toHaveHeader).parameters.toEqualTypeOf<[name: string, value?: string | RegExp]>()
    expectTypeOf(expect(res).not.toHaveRoute).parameter(0).toEqualTypeOf<string>()
  })
})
