//! The pure image work, without S3: check that bytes are a real JPEG/PNG/WebP within the
//! limits, decode it, turn it upright, and encode the four JPEG variants with no metadata.
//!
//! Memory stays bounded: the header's dimensions are checked against [`MAX_PIXELS`] before
//! any pixel buffer exists, and the decoder's own allocation limit backs that up, so a
//! 50,000 × 50,000 PNG of a few hundred bytes is refused after reading 33 bytes. A rotated
//! original is encoded straight from the unrotated frame (no second full-size copy).

use std::io::Cursor;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use jpeg_encoder::{ColorType, Encoder, ImageBuffer, JpegColorType};
use shared::file::{Variant, MAX_FILE_BYTES, MAX_PIXELS};

/// JPEG quality of every variant.
pub const QUALITY: u8 = 80;

/// The widest or tallest image JPEG can hold.
const MAX_SIDE: u32 = 65_535;

/// Why an original is refused; the text becomes the file's `reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Larger than the upload limit.
    #[error("the file is larger than 10 MiB")]
    TooLarge,
    /// Not JPEG, PNG or WebP by its bytes.
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    /// More pixels than allowed (the header says so; nothing was decoded).
    #[error("the image is {width}×{height}, above the 40 megapixel limit")]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
    },
    /// The bytes do not decode (truncated, corrupt).
    #[error("the image cannot be decoded: {0}")]
    Corrupt(String),
}

/// One encoded variant.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// Which one.
    pub variant: Variant,
    /// Its pixel size.
    pub width: u32,
    /// Its pixel size.
    pub height: u32,
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
}

/// Decodes `bytes` and encodes all four variants, largest first.
pub fn render(bytes: &[u8]) -> Result<Vec<Encoded>, Rejection> {
    let (frame, orientation) = decode(bytes)?;
    let (width, height) = frame.dimensions();
    let upright = upright_size(width, height, orientation);
    let mut variants = Vec::with_capacity(Variant::ALL.len());
    variants.push(Encoded {
        variant: Variant::Ori,
        width: upright.0,
        height: upright.1,
        jpeg: encode_oriented(&frame, orientation)?,
    });
    // Each smaller variant is resized from the previous one: the same filter from a
    // source at least twice as large looks the same and costs a fraction.
    let mut source = frame;
    for variant in [Variant::Big, Variant::Mid, Variant::Sml] {
        let bound = variant.max_side().unwrap_or(u32::MAX);
        let (w, h) = fit(source.width(), source.height(), bound);
        if (w, h) != source.dimensions() {
            source = resize(&source, w, h)?;
        }
        let small = orient(source.clone(), orientation);
        variants.push(Encoded {
            variant,
            width: small.width(),
            height: small.height(),
            jpeg: encode(&small)?,
        });
    }
    Ok(variants)
}

/// Checks and decodes: the bytes decide the format; the header's size is checked before
/// the frame is allocated; alpha is composed over white; the result is 8-bit RGB.
pub fn decode(bytes: &[u8]) -> Result<(RgbImage, Orientation), Rejection> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Rejection::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| Rejection::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(Rejection::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // RGBA at the pixel limit, plus the decoders' working buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(reject)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Rejection::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    if format == ImageFormat::Jpeg {
        check_jpeg_complete(bytes)?;
    }
    let image = DynamicImage::from_decoder(decoder).map_err(reject)?;
    let rgb = match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other if other.color().has_alpha() => over_white(other),
        other => other.into_rgb8(),
    };
    Ok((rgb, orientation))
}

fn reject(error: image::ImageError) -> Rejection {
    match error {
        image::ImageError::Limits(_) => {
            Rejection::Corrupt("the image needs too much memory to decode".into())
        }
        image::ImageError::Unsupported(_) => Rejection::NotAnImage,
        other => Rejection::Corrupt(other.to_string()),
    }
}

/// A JPEG decoder pads a truncated scan with grey and reports success; a complete JPEG
/// ends with the EOI marker (cameras may append a trailer after it, so look past that).
fn check_jpeg_complete(bytes: &[u8]) -> Result<(), Rejection> {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    if tail.windows(2).any(|pair| pair == [0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(Rejection::Corrupt("the JPEG data is truncated".into()))
    }
}

fn over_white(image: DynamicImage) -> RgbImage {
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = RgbImage::new(width, height);
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let value = u16::from(pixel[channel]) * alpha + 255 * (255 - alpha);
            out[channel] = (value / 255) as u8;
        }
    }
    rgb
}

/// The size within `bound × bound` keeping the aspect ratio, never larger than the source.
pub fn fit(width: u32, height: u32, bound: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= bound {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(bound) + u64::from(long) / 2) / u64::from(long)).max(1) as u32
    };
    (scale(width), scale(height))
}

/// Lanczos3 resize (SIMD where the CPU has it).
fn resize(source: &RgbImage, width: u32, height: u32) -> Result<RgbImage, Rejection> {
    let from = ImageRef::new(
        source.width(),
        source.height(),
        source.as_raw(),
        PixelType::U8x3,
    )
    .map_err(|error| Rejection::Corrupt(error.to_string()))?;
    let mut to = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|error| Rejection::Corrupt(error.to_string()))?;
    RgbImage::from_raw(width, height, to.into_vec())
        .ok_or_else(|| Rejection::Corrupt("resize produced a short buffer".into()))
}

fn upright_size(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    }
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn orient(image: RgbImage, orientation: Orientation) -> RgbImage {
    let mut image = DynamicImage::ImageRgb8(image);
    image.apply_orientation(orientation);
    image.into_rgb8()
}

fn encode_error(error: jpeg_encoder::EncodingError) -> Rejection {
    Rejection::Corrupt(format!("encoding: {error}"))
}

/// Baseline 4:2:0 JPEG, no metadata segments at all.
fn encode(image: &RgbImage) -> Result<Vec<u8>, Rejection> {
    let mut jpeg = Vec::new();
    Encoder::new(&mut jpeg, QUALITY)
        .encode(
            image.as_raw(),
            image.width() as u16,
            image.height() as u16,
            ColorType::Rgb,
        )
        .map_err(encode_error)?;
    Ok(jpeg)
}

/// Encodes `frame` as it should be seen: upright frames directly, others row by row
/// through [`Oriented`], which reads the unrotated pixels.
fn encode_oriented(frame: &RgbImage, orientation: Orientation) -> Result<Vec<u8>, Rejection> {
    if orientation == Orientation::NoTransforms {
        return encode(frame);
    }
    let mut jpeg = Vec::new();
    Encoder::new(&mut jpeg, QUALITY)
        .encode_image(Oriented { frame, orientation })
        .map_err(encode_error)?;
    Ok(jpeg)
}

/// A view of a frame under an EXIF orientation, for the encoder.
struct Oriented<'a> {
    frame: &'a RgbImage,
    orientation: Orientation,
}

impl Oriented<'_> {
    /// The source pixel shown at (x, y) of the upright image.
    fn source(&self, x: u32, y: u32) -> (u32, u32) {
        let (w, h) = self.frame.dimensions();
        match self.orientation {
            Orientation::NoTransforms => (x, y),
            Orientation::FlipHorizontal => (w - 1 - x, y),
            Orientation::Rotate180 => (w - 1 - x, h - 1 - y),
            Orientation::FlipVertical => (x, h - 1 - y),
            Orientation::Rotate90FlipH => (y, x),
            Orientation::Rotate90 => (y, h - 1 - x),
            Orientation::Rotate270FlipH => (w - 1 - y, h - 1 - x),
            Orientation::Rotate270 => (w - 1 - y, x),
        }
    }
}

impl ImageBuffer for Oriented<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        upright_size(self.frame.width(), self.frame.height(), self.orientation).0 as u16
    }

    fn height(&self) -> u16 {
        upright_size(self.frame.width(), self.frame.height(), self.orientation).1 as u16
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        for x in 0..u32::from(self.width()) {
            let (sx, sy) = self.source(x, u32::from(y));
            let pixel = self.frame.get_pixel(sx, sy);
            let (luma, cb, cr) = jpeg_encoder::rgb_to_ycbcr(pixel[0], pixel[1], pixel[2]);
            buffers[0].push(luma);
            buffers[1].push(cb);
            buffers[2].push(cr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let frame = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut bytes = Cursor::new(Vec::new());
        frame.write_to(&mut bytes, ImageFormat::Jpeg).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn fit_never_upscales_and_keeps_the_ratio() {
        assert_eq!(fit(4000, 3000, 1920), (1920, 1440));
        assert_eq!(fit(3000, 4000, 320), (240, 320));
        assert_eq!(fit(800, 600, 960), (800, 600));
        assert_eq!(fit(10_000, 1, 320), (320, 1));
    }

    #[test]
    fn four_variants_within_their_bounds() {
        let variants = render(&jpeg(2400, 1000)).unwrap();
        let sizes: Vec<_> = variants
            .iter()
            .map(|v| (v.variant, v.width, v.height))
            .collect();
        assert_eq!(
            sizes,
            vec![
                (Variant::Ori, 2400, 1000),
                (Variant::Big, 1920, 800),
                (Variant::Mid, 960, 400),
                (Variant::Sml, 320, 133)
            ]
        );
        for encoded in &variants {
            let decoded =
                image::load_from_memory_with_format(&encoded.jpeg, ImageFormat::Jpeg).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (encoded.width, encoded.height)
            );
        }
    }

    #[test]
    fn refusals_before_decoding() {
        assert_eq!(
            decode(b"hello, not an image").unwrap_err(),
            Rejection::NotAnImage
        );
        let mut truncated = jpeg(64, 64);
        truncated.truncate(truncated.len() / 2);
        assert!(matches!(
            decode(&truncated).unwrap_err(),
            Rejection::Corrupt(_)
        ));
        assert_eq!(
            decode(&vec![0xFF; MAX_FILE_BYTES as usize + 1]).unwrap_err(),
            Rejection::TooLarge
        );
    }

    #[test]
    fn oriented_view_maps_every_orientation() {
        // 3×2 frame with distinct pixels; compare the streamed view with image's own rotation.
        let frame = RgbImage::from_fn(3, 2, |x, y| image::Rgb([x as u8, y as u8, 0]));
        for orientation in [
            Orientation::NoTransforms,
            Orientation::FlipHorizontal,
            Orientation::Rotate180,
            Orientation::FlipVertical,
            Orientation::Rotate90FlipH,
            Orientation::Rotate90,
            Orientation::Rotate270FlipH,
            Orientation::Rotate270,
        ] {
            let expected = orient(frame.clone(), orientation);
            let view = Oriented {
                frame: &frame,
                orientation,
            };
            assert_eq!(
                (u32::from(view.width()), u32::from(view.height())),
                expected.dimensions()
            );
            for (x, y, pixel) in expected.enumerate_pixels() {
                let (sx, sy) = view.source(x, y);
                assert_eq!(frame.get_pixel(sx, sy), pixel, "{orientation:?} at {x},{y}");
            }
        }
    }
}
