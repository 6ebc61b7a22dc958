/**
 * Type-checked (never run) against the .d.ts files of the installed tarballs: the typed API users see
 * when they install Brisk from npm (typed route parameters, plugin options, the test client).
 */
import { Blueprint, Brisk } from '@brisk/core'
import { cors } from '@brisk/cors'
import { jwt } from '@brisk/jwt'
import { openapi } from '@brisk/openapi'
import { session } from '@brisk/session'
import { templates } from '@brisk/templates'
import { type TestResponse, testClient } from '@brisk/testing'

const app = new Brisk({ name: 'typed' })
app.use(openapi, { info: { title: 'Typed', version: '1.0.0' } })
app.use(templates, { folders: [new URL('./views', import.meta.url)] })
app.use(jwt, {
  secret: 'a secret of more than thirty-two bytes',
  authenticate: ({ username }) => (username === 'ada' ? { user_id: 1, username } : null),
  retrieveUser: () => null,
})

const books = new Blueprint('books', { prefix: '/books' }).use(cors, { origins: ['https://front.example'] })
books.get('/:id<int>', { name: 'show', auth: true }, (req) => {
  const id: number = req.params.id
  // @ts-expect-error: an <int> parameter is a number, not a string
  const wrong: string = req.params.id
  return { id, wrong }
})
app.blueprint(books)
app.blueprint(new Blueprint('visits').use(session, { secret: 'a secret of more than thirty-two bytes' }))

export async function status(): Promise<number> {
  const client = testClient(app)
  const res: TestResponse = await client.get('/books/7')
  await client.close()
  const url: string = app.urlFor('books.show', { id: 7 })
  return url.length + res.status
}
