import { describe, expect, it } from 'vitest'
import { ConfigError, DEV_JWT_SECRET, readConfig } from '../src/config'

const SECRET = 'a'.repeat(32)

/** The message readConfig refuses `env` with (and that it refuses with a ConfigError). */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).not.toContain('\n') // one line, fit for stderr as it is
    return message
  }
  throw new Error(`readConfig accepted ${JSON.stringify(env)}`)
}

describe('readConfig()', () => {
  it('has the contract’s defaults for an empty environment', () => {
    const config = readConfig({})
    expect(config).toEqual({
      port: 8000,
      host: '127.0.0.1',
      workers: 1,
      jwtSecret: DEV_JWT_SECRET,
      redisUrl: undefined,
      corsOrigins: ['http://localhost:5173'],
      dev: false,
      warnings: [expect.stringContaining('JWT_SECRET')],
    })
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).not.toContain('\n')
  })

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '9090',
      HOST: '0.0.0.0',
      WORKERS: '4',
      JWT_SECRET: SECRET,
      REDIS_URL: 'redis://127.0.0.1:6380/2',
      CORS_ORIGINS: 'https://app.example, http://localhost:3000,',
      NODE_ENV: 'development',
    })
    expect(config).toEqual({
      port: 9090,
      host: '0.0.0.0',
      workers: 4,
      jwtSecret: SECRET,
      redisUrl: 'redis://127.0.0.1:6380/2',
      corsOrigins: ['https://app.example', 'http://localhost:3000'],
      dev: true,
      warnings: [],
    })
  })

  it('turns development mode on only for NODE_ENV=development', () => {
    expect(readConfig({ NODE_ENV: 'development' }).dev).toBe(true)
    for (const NODE_ENV of ['production', 'test', 'Development', 'dev', '']) {
      expect(readConfig({ NODE_ENV }).dev, NODE_ENV).toBe(false)
    }
  })

  it('treats an empty variable as unset', () => {
    expect(readConfig({ PORT: '', WORKERS: '', REDIS_URL: '', CORS_ORIGINS: '' })).toMatchObject({
      port: 8000,
      workers: 1,
      redisUrl: undefined,
      corsOrigins: ['http://localhost:5173'],
    })
  })

  it('refuses a WORKERS that is not a positive integer, naming it', () => {
    for (const WORKERS of ['0', '-1', '1.5', 'two', '1e3', '0x2', ' 2x', '4 workers']) {
      const message = refusal({ WORKERS })
      expect(message, WORKERS).toContain('WORKERS must be a positive integer')
      expect(message).toContain(JSON.stringify(WORKERS))
    }
  })

  it('refuses WORKERS above 1 without REDIS_URL, naming REDIS_URL', () => {
    expect(refusal({ WORKERS: '2' })).toMatch(/REDIS_URL/)
    expect(readConfig({ WORKERS: '2', REDIS_URL: 'redis://127.0.0.1:6379' }).workers).toBe(2)
    expect(readConfig({ WORKERS: '1' }).workers).toBe(1)
  })

  it('refuses a bad PORT', () => {
    for (const PORT of ['http', '65536', '-1', '80.5']) expect(refusal({ PORT })).toContain('PORT must be')
  })

  it('refuses a JWT_SECRET under 32 bytes without printing it', () => {
    const message = refusal({ JWT_SECRET: 'short-secret' })
    expect(message).toContain('JWT_SECRET must be at least 32 bytes')
    expect(message).not.toContain('short-secret')
    // 32 bytes in UTF-8 is enough, whatever the number of characters.
    expect(readConfig({ JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16))
  })

  it('refuses a REDIS_URL that is not a redis URL, without echoing it (it may hold a password)', () => {
    for (const REDIS_URL of ['localhost:6379', 'http://127.0.0.1:6379', 'redis://', 'redis://:hunter2@']) {
      const message = refusal({ REDIS_URL })
      expect(message).toContain('REDIS_URL')
      expect(message).not.toContain('hunter2')
    }
    expect(readConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380' }).redisUrl).toBe(
      'rediss://user:pw@cache.example:6380',
    )
  })

  it('refuses CORS_ORIGINS items that are not origins', () => {
    for (const item of [
      'localhost:5173',
      'http://localhost:5173/',
      'https://app.example/path',
      '*',
      'null',
    ]) {
      expect(refusal({ CORS_ORIGINS: `http://ok.example,${item}` }), item).toContain('CORS_ORIGINS')
    }
  })
})
