// QR codes, made in the browser (node-qrcode, no network): the address of a listing's
// detail page, for 资产信息详情 and the printable 资产标签. An SVG data URL stays sharp at
// any print size.
import QRCode from 'qrcode'

/** The address of a listing's detail page on this node, as a phone opens it. */
export function listingUrl(id) {
  return `${window.location.origin}/listings/${encodeURIComponent(id)}`
}

/** `text` as a QR code: an `image/svg+xml` data URL (error correction M, a 2-module quiet zone). */
export async function qrDataUrl(text) {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } })
  return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg)
}
