//! Images: decoding an upload within limits (no decompression bombs), measuring its quality with
//! [`crate::domain::photo::assess`], and drawing the demo node's product photos.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits, Rgb, RgbImage, imageops};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::domain::photo::{self, Photo, PhotoFlag};

/// The largest picture accepted: 40 megapixels.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The widest side accepted.
pub const MAX_SIDE: u32 = 12_000;

/// Why an image was not accepted.
#[derive(Debug, Error)]
pub enum MediaError {
    /// Not a JPEG, PNG or WebP, or damaged.
    #[error("无法识别的图片：请上传 JPEG、PNG 或 WebP 格式的照片")]
    Unreadable,
    /// Cut off or damaged.
    #[error("图片已损坏或不完整，请重新拍摄或导出后再上传")]
    Broken,
    /// Too many pixels (a decompression bomb, or a needlessly huge scan).
    #[error("图片过大：最多 4000 万像素、边长不超过 12000 像素")]
    TooLarge,
}

/// Whether a JPEG ends with its end-of-image marker (decoders fill a cut-off file with grey).
fn jpeg_complete(bytes: &[u8]) -> bool {
    let end = bytes.iter().rposition(|b| *b != 0 && !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    end >= 2 && bytes[end - 2..end] == [0xFF, 0xD9]
}

/// The content hash of stored bytes (SHA-256, hex).
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The longer side of a stored photo; larger uploads are scaled down after they are measured.
pub const STORED_SIDE: u32 = 2560;

/// Takes an uploaded photo: decodes it within the limits (so it is really an image), measures
/// its quality on the original, and re-encodes it as JPEG (which drops EXIF and anything else
/// hidden in the file). Returns the photo (hashed over the stored bytes) and those bytes.
pub fn ingest(bytes: &[u8]) -> Result<(Photo, Vec<u8>), MediaError> {
    let image = decode(bytes)?;
    let measured = assess(&image, String::new());
    let stored = if image.width().max(image.height()) > STORED_SIDE {
        image.resize(STORED_SIDE, STORED_SIDE, imageops::FilterType::Triangle)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(stored.to_rgb8())
        .write_to(&mut out, ImageFormat::Jpeg)
        .map_err(|_| MediaError::Unreadable)?;
    let out = out.into_inner();
    let photo =
        Photo { hash: content_hash(&out), width: stored.width(), height: stored.height(), flags: measured.flags };
    Ok((photo, out))
}

/// Decodes an uploaded photo within the limits and assesses it.
pub fn inspect(bytes: &[u8]) -> Result<Photo, MediaError> {
    Ok(assess(&decode(bytes)?, content_hash(bytes)))
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    let reader = || ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| MediaError::Unreadable);
    if !matches!(reader()?.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(MediaError::Unreadable);
    }
    if reader()?.format() == Some(ImageFormat::Jpeg) && !jpeg_complete(bytes) {
        return Err(MediaError::Broken);
    }
    let (width, height) = reader()?.into_dimensions().map_err(|_| MediaError::Unreadable)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(MediaError::TooLarge);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    let mut reader = reader()?;
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge,
        _ => MediaError::Unreadable,
    })
}

/// A JPEG at most `max_side` pixels on its longer side, for lists and galleries.
pub fn thumbnail(bytes: &[u8], max_side: u32) -> Result<Vec<u8>, MediaError> {
    let image = image::load_from_memory(bytes).map_err(|_| MediaError::Unreadable)?;
    let small = image.thumbnail(max_side, max_side);
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(small.to_rgb8())
        .write_to(&mut out, ImageFormat::Jpeg)
        .map_err(|_| MediaError::Unreadable)?;
    Ok(out.into_inner())
}

/// The MIME type of stored image bytes.
pub fn mime_type(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => "image/png",
        Ok(ImageFormat::WebP) => "image/webp",
        _ => "image/jpeg",
    }
}

fn assess(image: &DynamicImage, hash: String) -> Photo {
    let gray = image.to_luma8();
    let (sample, sw, sh) = sample(&gray);
    let flags = photo::assess(image.width(), image.height(), &sample, sw, sh);
    Photo { hash, width: image.width(), height: image.height(), flags }
}

/// Every k-th pixel in both directions, so the sample is at most 640 pixels wide.
fn sample(gray: &GrayImage) -> (Vec<u8>, usize, usize) {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let step = w.div_ceil(640).max(1);
    let raw = gray.as_raw();
    let sample: Vec<u8> =
        (0..h).step_by(step).flat_map(|y| (0..w).step_by(step).map(move |x| raw[y * w + x])).collect();
    (sample, w.div_ceil(step), h.div_ceil(step))
}

/// What a demo photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A monitor on a stand.
    Computer,
    /// A box with a paper tray.
    Printer,
    /// A desk.
    Furniture,
    /// A car.
    Vehicle,
    /// A wall-mounted unit.
    AirConditioner,
    /// A cart with a screen.
    Medical,
    /// A plain box.
    Other,
}

impl Subject {
    /// The subject that suits a GB/T 14885 category code.
    pub fn for_category(code: &str) -> Self {
        match code {
            c if c.starts_with("A020101") || c.starts_with("A020211") => Self::Computer,
            c if c.starts_with("A02020") || c.starts_with("A020210") => Self::Printer,
            c if c.starts_with("A0203") => Self::Vehicle,
            c if c.starts_with("A020618") || c.starts_with("A020523") => Self::AirConditioner,
            c if c.starts_with("A0232") => Self::Medical,
            c if c.starts_with("A05") => Self::Furniture,
            _ => Self::Other,
        }
    }
}

/// Draws a demo product photo (JPEG) and assesses it: the subject on a studio background, seen
/// from an angle that depends on `variant`, with a defect if asked for (to show the checks).
pub fn demo_photo(subject: Subject, variant: u32, defect: Option<PhotoFlag>) -> (Photo, Vec<u8>) {
    let image = DynamicImage::ImageRgb8(draw(subject, variant, defect));
    let mut out = Cursor::new(Vec::new());
    if image.write_to(&mut out, ImageFormat::Jpeg).is_err() {
        return (Photo { hash: String::new(), width: 0, height: 0, flags: vec![] }, Vec::new());
    }
    let bytes = out.into_inner();
    (assess(&image, content_hash(&bytes)), bytes)
}

fn draw(subject: Subject, variant: u32, defect: Option<PhotoFlag>) -> RgbImage {
    let (w, h) = if defect == Some(PhotoFlag::Small) { (640, 480) } else { (1024, 800) };
    let mut seed = 0x9E37_79B9u32.wrapping_mul(variant + 1) ^ (subject as u32).wrapping_mul(0x85EB_CA6B);
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 17) as i32 - 8
    };
    let (base, accent): ([i32; 3], [i32; 3]) = match subject {
        Subject::Computer => ([38, 42, 48], [70, 130, 200]),
        Subject::Printer => ([225, 225, 220], [90, 90, 95]),
        Subject::Furniture => ([150, 105, 65], [110, 75, 45]),
        Subject::Vehicle => ([40, 70, 120], [25, 25, 25]),
        Subject::AirConditioner => ([240, 240, 238], [170, 175, 180]),
        Subject::Medical => ([210, 215, 220], [60, 160, 170]),
        Subject::Other => ([120, 120, 110], [80, 80, 70]),
    };
    let shift = (variant % 4) as i32 * w as i32 / 40;
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as i32, y as i32);
        let wall = 170 + (y * 40 / h as i32);
        let floor_line = h as i32 * 3 / 4;
        let bg = if y > floor_line { [wall - 60, wall - 70, wall - 80] } else { [wall, wall, wall - 10] };
        let px =
            shape(subject, x - shift, y, w as i32, h as i32).map(|part| if part { accent } else { base }).unwrap_or(bg);
        let n = noise();
        Rgb(px.map(|c| (c + n).clamp(0, 255) as u8))
    });
    match defect {
        Some(PhotoFlag::Blurred) => img = imageops::blur(&img, 6.0),
        Some(PhotoFlag::Dark) => img.pixels_mut().for_each(|p| p.0 = p.0.map(|c| c / 5)),
        Some(PhotoFlag::Bright) => img.pixels_mut().for_each(|p| p.0 = p.0.map(|c| 230 + c / 10)),
        _ => {}
    }
    img
}

/// Which part of the subject covers (x, y): `Some(false)` body, `Some(true)` detail, `None` none.
fn shape(subject: Subject, x: i32, y: i32, w: i32, h: i32) -> Option<bool> {
    let inside = |x0: i32, y0: i32, x1: i32, y1: i32| {
        x >= w * x0 / 100 && x < w * x1 / 100 && y >= h * y0 / 100 && y < h * y1 / 100
    };
    let circle = |cx: i32, cy: i32, r: i32| {
        let (dx, dy) = (x - w * cx / 100, y - h * cy / 100);
        dx * dx + dy * dy < (w * r / 100).pow(2)
    };
    match subject {
        Subject::Computer => {
            if inside(30, 22, 70, 58) {
                Some(inside(32, 25, 68, 55))
            } else if inside(47, 58, 53, 68) || inside(40, 68, 60, 71) {
                Some(false)
            } else {
                None
            }
        }
        Subject::Printer => inside(28, 40, 72, 72).then(|| inside(35, 45, 65, 50) || inside(60, 60, 68, 64)),
        Subject::Furniture => {
            (inside(18, 45, 82, 52) || inside(20, 52, 24, 80) || inside(76, 52, 80, 80) || inside(45, 52, 75, 66))
                .then(|| inside(58, 57, 62, 59))
        }
        Subject::Vehicle => {
            if circle(32, 72, 6) || circle(68, 72, 6) {
                Some(true)
            } else {
                (inside(18, 52, 82, 70) || inside(30, 38, 66, 52))
                    .then(|| inside(34, 41, 48, 50) || inside(50, 41, 63, 50))
            }
        }
        Subject::AirConditioner => inside(20, 25, 80, 42).then(|| (y - h / 4) % 9 < 2 && inside(24, 36, 76, 41)),
        Subject::Medical => (inside(35, 20, 65, 50) || inside(40, 50, 60, 75)).then(|| inside(38, 24, 62, 44)),
        Subject::Other => inside(30, 35, 70, 72).then(|| inside(30, 35, 70, 40)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_demo_photo_passes_and_each_defect_is_caught() {
        let (drawn, bytes) = demo_photo(Subject::Computer, 0, None);
        let clean = inspect(&bytes).expect("decodes");
        assert_eq!((clean.width, clean.height, clean.flags.clone()), (1024, 800, vec![]));
        assert_eq!(drawn, clean);
        for defect in [PhotoFlag::Dark, PhotoFlag::Bright, PhotoFlag::Blurred, PhotoFlag::Small] {
            let photo = inspect(&demo_photo(Subject::Furniture, 1, Some(defect)).1).expect("decodes");
            assert!(photo.flags.contains(&defect), "{defect:?}: {:?}", photo.flags);
        }
    }

    #[test]
    fn garbage_and_cut_off_files_are_refused_and_the_hash_is_of_the_bytes() {
        assert!(matches!(inspect(b"not an image"), Err(MediaError::Unreadable)));
        let (_, whole) = demo_photo(Subject::Printer, 1, None);
        assert!(matches!(ingest(&whole[..whole.len() / 3]), Err(MediaError::Broken)));
        let (_, bytes) = demo_photo(Subject::Vehicle, 2, None);
        assert_eq!(inspect(&bytes).unwrap().hash, content_hash(&bytes));
    }
}
