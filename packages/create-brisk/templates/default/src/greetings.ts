/**
 * A blueprint: routes under one prefix, with names of their own (`greetings.show`). Declared once at the
 * top level; each app that mounts it gets its own copy.
 */
import { Blueprint, HTTPError } from '@brisk/core'

export const greetings = new Blueprint('greetings', { prefix: '/hello' })

greetings.get('/:name', { name: 'show' }, (req) => ({ greeting: `Hello, ${req.params.name}!` }))

// `<int>` makes req.params.times a number; a path where it is not a number matches no route (404).
greetings.get('/:name/:times<int>', { name: 'repeat' }, (req) => {
  if (req.params.times > 10) throw new HTTPError(400, 'ten times at most')
  return { greetings: Array.from({ length: req.params.times }, () => `Hello, ${req.params.name}!`) }
})
