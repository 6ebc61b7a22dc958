/**
 * Base64url (RFC 4648 §5, no padding) for runtimes without `Buffer`: session ids, signatures and the
 * cookie store's ciphertext are carried in cookies in this alphabet.
 */

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * toBase64url(new Uint8Array([251, 255])) // '-_8'
 */
export function toBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Decodes base64url (padding optional); `undefined` for text that is not base64url.
 *
 * @example
 * fromBase64url('-_8') // Uint8Array [251, 255]
 */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
