/**
 * The session a request sees as `req.ctx.session`. It is created empty with the request and costs nothing
 * until a method is called: the first call reads the cookie, checks its signature and loads the record from
 * the store (once, however many calls wait for it). That is why every method is async: a route that never
 * calls one makes no store round trip, and a route that does cannot read a session that is not loaded yet.
 * Changes stay in memory until the response, when {@link commitSession} writes them, only if there are any.
 */
import type { BriskRequest, BriskResponse } from '@brisk/core'
import { type Engine, settle, unavailable } from './engine'
import { SessionCookieTooLarge, SessionStoreUnavailable } from './errors'
import type { SessionData } from './store'

const FLASH = '__flash'
const COOKIE_LIMIT = 4096

/**
 * A request's session. Values must be JSON values (a `Date` comes back as a string). A value read with
 * `get` and changed in place is not saved until it is `set` again.
 *
 * @example
 * app.get('/visits', async (req) => {
 *   const visits = Number((await req.ctx.session.get('visits')) ?? 0) + 1
 *   await req.ctx.session.set('visits', visits)
 *   return { visits }
 * })
 */
export class Session {
  readonly #req: BriskRequest<any, any>
  readonly #engine: Engine
  #loading: Promise<void> | null = null
  #data: SessionData = {}
  #id: string | undefined = undefined
  /** Not in the store (yet): a first visit, a cookie the server did not issue, or after destroy/regenerate. */
  #isNew = true
  #dirty = false
  /** Renew time to live and cookie at commit (`touch()`, `rolling`). */
  #renew = false
  /** The request came with a session cookie (clear it if no session is left). */
  #hadCookie = false
  /** regenerate(): write even an empty session, under its new id. */
  #regenerated = false
  /** A store call failed during this request. */
  #failed = false

  /** @internal Made by the plugin for each request. */
  constructor(req: BriskRequest<any, any>, engine: Engine) {
    this.#req = req
    this.#engine = engine
  }

  /** The session id once loaded (a new one for a new session), else `undefined`. @example log.info({ sid: session.id }) */
  get id(): string | undefined {
    return this.#id
  }

  /** Whether the session is not (yet) in its store: true on a first visit, until the response saves it. @example if (session.isNew) … */
  get isNew(): boolean {
    return this.#isNew
  }

  /**
   * Loads the session; every other method does it first, so calling it is only needed to surface a store
   * failure (503) at a point of your choosing. Resolves to the session.
   *
   * @example
   * const session = await req.ctx.session.load()
   */
  async load(): Promise<this> {
    await (this.#loading ??= this.#load())
    return this
  }

  /** The value of `key`, or `undefined`. @example const user = await session.get('user') */
  async get<K extends string>(key: K): Promise<SessionData[K] | undefined> {
    await (this.#loading ??= this.#load())
    return Object.hasOwn(this.#data, key) ? this.#data[key] : undefined
  }

  /** Sets `key` (to `undefined`: deletes it). @example await session.set('user', { id: 7 }) */
  async set<K extends string>(key: K, value: SessionData[K]): Promise<void> {
    checkKey(key)
    await (this.#loading ??= this.#load())
    if (value === undefined) {
      this.#remove(key)
      return
    }
    this.#data[key] = value
    this.#dirty = true
  }

  /** Removes `key`; true when it was there. @example await session.delete('cart') */
  async delete(key: string): Promise<boolean> {
    await (this.#loading ??= this.#load())
    return this.#remove(key)
  }

  /** Whether `key` is set. @example if (await session.has('user')) … */
  async has(key: string): Promise<boolean> {
    await (this.#loading ??= this.#load())
    return Object.hasOwn(this.#data, key)
  }

  /** Removes every key; the session (and its id) stays. @example await session.clear() */
  async clear(): Promise<void> {
    await (this.#loading ??= this.#load())
    if (Object.keys(this.#data).length > 0) this.#dirty = true
    this.#data = {}
  }

  /** A copy of every key and value (flash messages left out). @example const all = await session.all() */
  async all(): Promise<SessionData> {
    await (this.#loading ??= this.#load())
    const copy: SessionData = { ...this.#data }
    delete copy[FLASH]
    return copy
  }

  /**
   * A new id for the session, its data kept; the old id is removed from the store at once, so a cookie that
   * carried it (one an attacker planted before the login, say) is dead. Call it whenever the user's
   * privileges change: on login, logout, sudo.
   *
   * @example
   * await session.regenerate()
   * await session.set('userId', user.id)
   */
  async regenerate(): Promise<void> {
    await (this.#loading ??= this.#load())
    const store = this.#engine.settings.store
    if (!this.#isNew && store !== null) await this.#call(() => store.destroy(this.#id!))
    this.#id = this.#engine.signer.randomId()
    this.#isNew = true
    this.#dirty = true
    this.#regenerated = true
  }

  /**
   * Ends the session: removed from the store at once, the cookie cleared by the response. Replaying the old
   * cookie starts a new, empty session. Setting a value afterwards starts a new session with a new id.
   *
   * @example
   * app.post('/logout', async (req) => { await req.ctx.session.destroy(); return redirect('/') })
   */
  async destroy(): Promise<void> {
    const store = this.#engine.settings.store
    if (this.#loading === null) {
      // No need to read a record to delete it: the signed cookie names it.
      this.#loading = Promise.resolve()
      const raw = this.#req.cookies[this.#engine.settings.name]
      if (raw !== undefined) {
        this.#hadCookie = true
        const id = store === null ? undefined : await this.#engine.signer.unsign(raw)
        if (id !== undefined) await this.#call(() => store!.destroy(id))
      }
    } else {
      await this.#loading
      if (!this.#isNew && store !== null) await this.#call(() => store.destroy(this.#id!))
    }
    this.#data = {}
    this.#id = this.#engine.signer.randomId()
    this.#isNew = true
    this.#dirty = false
    this.#regenerated = false
    this.#renew = false
  }

  /** Renews the session's time to live in the store and its cookie's, without changing it. @example await session.touch() */
  async touch(): Promise<void> {
    await (this.#loading ??= this.#load())
    this.#renew = true
  }

  /**
   * Keeps a message for the next request that reads it (after a redirect, typically).
   *
   * @example
   * await session.flash('success', 'Book saved')
   * return redirect('/books')
   */
  async flash(type: string, message: string): Promise<void> {
    await (this.#loading ??= this.#load())
    const all = (this.#data[FLASH] ?? {}) as Record<string, string[]>
    ;(all[type] ??= []).push(message)
    this.#data[FLASH] = all
    this.#dirty = true
  }

  /**
   * Takes the flash messages of one type (or all, by type) out of the session: they are shown once.
   *
   * @example
   * const notices = await session.flashes('success') // ['Book saved']
   * // in a template: {% for m in session.flashes('success') | await %}<p>{{ m }}</p>{% endfor %}
   */
  flashes(type: string): Promise<string[]>
  flashes(): Promise<Record<string, string[]>>
  async flashes(type?: string): Promise<string[] | Record<string, string[]>> {
    await (this.#loading ??= this.#load())
    const all = this.#data[FLASH] as Record<string, string[]> | undefined
    if (type === undefined) {
      if (all === undefined) return {}
      this.#remove(FLASH)
      return all
    }
    const messages = all?.[type]
    if (all === undefined || messages === undefined) return []
    delete all[type]
    if (Object.keys(all).length === 0) delete this.#data[FLASH]
    this.#dirty = true
    return messages
  }

  #remove(key: string): boolean {
    if (!Object.hasOwn(this.#data, key)) return false
    delete this.#data[key]
    this.#dirty = true
    return true
  }

  async #load(): Promise<void> {
    const { settings, signer, sealer } = this.#engine
    const raw = this.#req.cookies[settings.name]
    if (raw !== undefined) {
      this.#hadCookie = true
      if (sealer !== null) {
        const payload = await sealer.open(raw)
        if (payload !== undefined) return this.#adopt(payload.id, payload.data)
      } else {
        const id = await signer.unsign(raw)
        if (id !== undefined) {
          const data = await this.#call(() => settings.store!.get(id))
          if (data !== undefined) return this.#adopt(id, data)
        }
      }
    }
    // No cookie, a forged or stale one, or an id the store does not know: a new session with a fresh id.
    // The client's value is never used as an id.
    this.#id = signer.randomId()
    if (settings.rolling) this.#renew = true
  }

  #adopt(id: string, data: SessionData): void {
    this.#id = id
    this.#data = data
    this.#isNew = false
    if (this.#engine.settings.rolling) this.#renew = true
  }

  /**
   * A store call, timed and turned into a 503 when it fails (sync throws included). After a failure the
   * session is left alone: the response neither writes it nor touches its cookie.
   */
  async #call<T>(run: () => T | Promise<T>): Promise<T> {
    try {
      return await settle(this.#engine, this.#req.app.log, run())
    } catch (error) {
      this.#failed = true
      throw error instanceof SessionStoreUnavailable
        ? error
        : unavailable(this.#engine, this.#req.app.log, error)
    }
  }

  /** @internal Saves what changed and sets or clears the cookie; the plugin's response hook calls it. */
  commit(res: BriskResponse): Promise<void> | undefined {
    if (this.#loading === null) return undefined // never touched: no store round trip, no cookie
    return this.#commit(res)
  }

  async #commit(res: BriskResponse): Promise<void> {
    try {
      await this.#loading
    } catch {
      return // the load failed and answered 503 already
    }
    if (this.#failed) return
    const { settings, signer, sealer } = this.#engine
    const store = settings.store
    if (this.#isNew) {
      const empty = !this.#dirty || (!this.#regenerated && Object.keys(this.#data).length === 0)
      if (empty) {
        // Nothing worth keeping (a new session that stayed empty is never stored, nor given a cookie).
        if (this.#hadCookie) this.#setCookie(res, '', settings.clearing)
        return
      }
    } else if (!this.#dirty && !this.#renew) {
      return
    }
    if (sealer !== null) {
      const value = await sealer.seal({
        id: this.#id!,
        data: this.#data,
        expires: Date.now() + settings.ttlMs,
      })
      const size = settings.name.length + 1 + value.length
      if (size > COOKIE_LIMIT) throw new SessionCookieTooLarge(size)
      this.#setCookie(res, value, settings.attributes)
      return
    }
    const id = this.#id!
    let kept: boolean
    if (this.#dirty) {
      kept = await this.#call(() => store!.set(id, this.#data, settings.ttlMs, { mustExist: !this.#isNew }))
    } else {
      kept = await this.#call(() => store!.touch(id, settings.ttlMs))
    }
    if (!kept) {
      // Destroyed by a concurrent request (a logout, a regenerate): it stays dead.
      this.#setCookie(res, '', settings.clearing)
      return
    }
    if (this.#isNew || this.#renew) this.#setCookie(res, await signer.sign(id), settings.attributes)
  }

  #setCookie(res: BriskResponse, value: string, attributes: string): void {
    const { name, secure } = this.#engine.settings
    let line = `${name}=${value}${attributes}`
    if (secure === true || (secure === 'auto' && this.#req.protocol === 'https')) line += '; Secure'
    const current = res.headers['set-cookie']
    if (current === undefined) res.headers['set-cookie'] = [line]
    else if (Array.isArray(current)) current.push(line)
    else res.headers['set-cookie'] = [current, line]
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '__proto__') {
    throw new TypeError(`session.set(): ${JSON.stringify(key)} cannot be a session key`)
  }
}
