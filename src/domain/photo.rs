//! Photo quality (SPEC §4, notice 四(三)): every photo is checked for low resolution, too dark,
//! too bright and blur, and flagged — never refused. The measures work on a grey-scale copy.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A quality problem of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PhotoFlag {
    /// 过暗
    Dark,
    /// 过亮
    Bright,
    /// 模糊
    Blurred,
    /// 分辨率低
    Small,
}

impl PhotoFlag {
    /// The Chinese word the UI shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "过暗",
            Self::Bright => "过亮",
            Self::Blurred => "模糊",
            Self::Small => "分辨率低",
        }
    }
}

/// A stored photo: content hash (SHA-256 hex of the bytes), size and flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Photo {
    /// SHA-256 of the stored bytes, hex: the photo's identity.
    pub hash: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Quality problems found.
    pub flags: Vec<PhotoFlag>,
}

/// The most photos a card keeps (and a stocktake line or 盘盈).
pub const MAX_CARD_PHOTOS: usize = 6;

/// A shorter side below this cannot show brand and model clearly.
pub const MIN_SHORT_SIDE: u32 = 800;
/// Mean luminance under this is too dark.
pub const DARK_MEAN: f64 = 55.0;
/// Mean luminance over this is too bright.
pub const BRIGHT_MEAN: f64 = 205.0;
/// Variance of the Laplacian under this is blurred (measured at most 640 pixels wide).
pub const BLUR_VARIANCE: f64 = 60.0;

/// Checks a photo of `width` × `height` whose grey-scale sample (`gray`, `gw` × `gh`, at most
/// 640 pixels wide) is given.
pub fn assess(width: u32, height: u32, gray: &[u8], gw: usize, gh: usize) -> Vec<PhotoFlag> {
    let mut flags = Vec::new();
    if width.min(height) < MIN_SHORT_SIDE {
        flags.push(PhotoFlag::Small);
    }
    if gray.is_empty() || gw < 3 || gh < 3 || gray.len() < gw * gh {
        return flags;
    }
    let mean = gray.iter().map(|&p| f64::from(p)).sum::<f64>() / gray.len() as f64;
    if mean < DARK_MEAN {
        flags.push(PhotoFlag::Dark);
    } else if mean > BRIGHT_MEAN {
        flags.push(PhotoFlag::Bright);
    }
    if laplacian_variance(gray, gw, gh) < BLUR_VARIANCE {
        flags.push(PhotoFlag::Blurred);
    }
    flags
}

/// Variance of the 4-neighbour Laplacian: low when there are no sharp edges.
pub fn laplacian_variance(gray: &[u8], w: usize, h: usize) -> f64 {
    let at = |x: usize, y: usize| f64::from(gray[y * w + x]);
    let (mut sum, mut sum_sq, mut n) = (0.0, 0.0, 0.0);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let lap = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y);
            sum += lap;
            sum_sq += lap * lap;
            n += 1.0;
        }
    }
    if n == 0.0 {
        return 0.0;
    }
    let mean = sum / n;
    sum_sq / n - mean * mean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(w: usize, h: usize, low: u8, high: u8) -> Vec<u8> {
        (0..w * h).map(|i| if (i % w / 4 + i / w / 4).is_multiple_of(2) { low } else { high }).collect()
    }

    #[test]
    fn a_sharp_well_lit_large_photo_has_no_flags() {
        let gray = checker(64, 48, 60, 200);
        assert_eq!(assess(1200, 900, &gray, 64, 48), vec![]);
    }

    #[test]
    fn flat_dark_bright_and_small_photos_are_flagged() {
        let flat = vec![128u8; 64 * 48];
        assert_eq!(assess(1200, 900, &flat, 64, 48), vec![PhotoFlag::Blurred]);
        let dark = checker(64, 48, 0, 60);
        assert!(assess(1200, 900, &dark, 64, 48).contains(&PhotoFlag::Dark));
        let bright = checker(64, 48, 190, 255);
        assert!(assess(1200, 900, &bright, 64, 48).contains(&PhotoFlag::Bright));
        assert!(assess(320, 240, &checker(64, 48, 60, 200), 64, 48).contains(&PhotoFlag::Small));
    }
}
