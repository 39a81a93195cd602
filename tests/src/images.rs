//! Test images made in code: photos-like JPEG/PNG frames, EXIF segments written by hand
//! (orientation, GPS), a truncated JPEG and a PNG whose header claims 50,000 × 50,000.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// A `width × height` frame: the left half red, the right half blue, with a little
/// texture so the encoder has detail to keep.
pub fn split_frame(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let grain = ((x * 7 + y * 13) % 16) as u8;
        if x < width / 2 {
            Rgb([230 + grain / 2, grain, grain])
        } else {
            Rgb([grain, grain, 230 + grain / 2])
        }
    })
}

/// `frame` encoded as `format`.
pub fn encode(frame: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    frame
        .write_to(&mut bytes, format)
        .unwrap_or_else(|error| panic!("encode test image: {error}"));
    bytes.into_inner()
}

/// A JPEG of [`split_frame`].
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&split_frame(width, height), ImageFormat::Jpeg)
}

/// `jpeg` with an EXIF APP1 segment right after SOI holding `orientation` and a GPS IFD
/// (latitude reference "N"), as a phone camera writes them (big-endian TIFF).
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    // IFD0: Orientation, GPS IFD pointer.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    tiff.extend_from_slice(&38u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 38: GPSLatitudeRef = "N".
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The marker codes of a JPEG's segments before its scan (APPn, DQT, SOF, …).
pub fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
    }
    markers
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// A tiny PNG whose header claims `width × height` 8-bit RGB pixels (a decompression bomb
/// would follow; the IDAT here is a few zero bytes).
pub fn png_header_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &header);
    png_chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut out, b"IEND", &[]);
    out
}
