/**
 * Preloaded into the profiled server (`node --import ./cpu-hook.mjs …`): the first SIGUSR2 starts V8's CPU
 * profiler, the second stops it and writes the profile to `$BRISK_PROFILE_OUT`, then prints
 * `profile written` on stderr. So the profile covers the measured run only, not start-up and warm-up (which
 * `--cpu-prof` would include: module loading and tsx's transpiling would drown the requests).
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const out = process.env.BRISK_PROFILE_OUT
if (out !== undefined && out !== '') {
  const session = new Session()
  session.connect()
  let running = false
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    )
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true
      // 100 µs between samples: about 10 000 samples a second, fine enough for 1–20 µs requests.
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
        .then(() => post('Profiler.start'))
        .then(() => process.stderr.write('profile started\n'))
      return
    }
    running = false
    void post('Profiler.stop').then(({ profile }) => {
      writeFileSync(out, JSON.stringify(profile))
      process.stderr.write('profile written\n')
    })
  })
}
