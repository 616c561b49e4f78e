//! Grey images for the OCR stage: decoding PNG (and the PGM that `pdftoppm -gray` writes),
//! wrapping a JPEG in a one-page PDF so that `pdftoppm` can decode it, scaling, and writing PGM
//! for tesseract. No image crate: PNG is zlib (flate2, already in the tree through zip) plus five
//! scanline filters; JPEG decoding is left to poppler, which the PDF path needs anyway.

use std::io::Read;

/// An 8-bit grey image, row by row (0 = black, 255 = white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// `w * h` samples.
    pub px: Vec<u8>,
}

/// The largest image accepted (pixels): 60 megapixels, an A4 page at 600 dpi is 35.
const MAX_PIXELS: usize = 60_000_000;

impl Gray {
    /// A white image.
    pub fn white(w: usize, h: usize) -> Self {
        Gray { w, h, px: vec![255; w * h] }
    }

    /// The sample at (x, y).
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }

    /// Whether (x, y) is ink.
    pub fn dark(&self, x: usize, y: usize) -> bool {
        self.at(x, y) < INK
    }

    /// Set (x, y) to white.
    pub fn clear(&mut self, x: usize, y: usize) {
        self.px[y * self.w + x] = 255;
    }

    /// Binary PGM (P5), which tesseract (leptonica) reads.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.w, self.h).into_bytes();
        out.extend_from_slice(&self.px);
        out
    }

    /// The image scaled up by an integer factor (bilinear), for small print.
    pub fn upscale(&self, f: usize) -> Gray {
        if f <= 1 {
            return self.clone();
        }
        let (w, h) = (self.w * f, self.h * f);
        let mut px = vec![255u8; w * h];
        for y in 0..h {
            // source coordinates in 1/f steps, centred
            let sy = (2 * y + 1).saturating_sub(f) as f32 / (2 * f) as f32;
            let y0 = (sy as usize).min(self.h - 1);
            let y1 = (y0 + 1).min(self.h - 1);
            let fy = sy - y0 as f32;
            for x in 0..w {
                let sx = (2 * x + 1).saturating_sub(f) as f32 / (2 * f) as f32;
                let x0 = (sx as usize).min(self.w - 1);
                let x1 = (x0 + 1).min(self.w - 1);
                let fx = sx - x0 as f32;
                let top = f32::from(self.at(x0, y0)) * (1.0 - fx) + f32::from(self.at(x1, y0)) * fx;
                let bottom = f32::from(self.at(x0, y1)) * (1.0 - fx) + f32::from(self.at(x1, y1)) * fx;
                px[y * w + x] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
            }
        }
        Gray { w, h, px }
    }
}

/// Below this a sample is ink.
pub const INK: u8 = 150;

/// What an image file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// Binary PGM / PPM (`P5` / `P6`).
    Pnm,
    /// GIF, BMP, TIFF, WebP: passed to tesseract as they are (no table grid detection).
    Other,
}

/// The kind of an image from its first bytes, `None` when it is not an image.
pub fn kind(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"P5") || bytes.starts_with(b"P6") {
        Some(Kind::Pnm)
    } else if bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"BM")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
    {
        Some(Kind::Other)
    } else {
        None
    }
}

/// Decode a binary PGM (`P5`, 8-bit) or PPM (`P6`, 8-bit, converted to grey).
pub fn decode_pnm(bytes: &[u8]) -> Result<Gray, String> {
    let bad = || "PNM 图像头无法解析".to_owned();
    let mut fields = Vec::new();
    let mut i = 2;
    while fields.len() < 3 {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'#') {
            if bytes[i] == b'#' {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            } else {
                i += 1;
            }
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let n: usize = std::str::from_utf8(&bytes[start..i]).ok().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        fields.push(n);
    }
    i += 1; // the single whitespace before the samples
    let (w, h, max) = (fields[0], fields[1], fields[2]);
    if max != 255 || w == 0 || h == 0 || w.saturating_mul(h) > MAX_PIXELS {
        return Err(format!("不支持的 PNM 图像（{w}×{h}，最大值 {max}）"));
    }
    let channels = if bytes.starts_with(b"P6") { 3 } else { 1 };
    let data = bytes.get(i..i + w * h * channels).ok_or_else(|| "PNM 图像数据不完整".to_owned())?;
    let px = if channels == 1 { data.to_vec() } else { data.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])).collect() };
    Ok(Gray { w, h, px })
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// Decode a PNG (any colour type and bit depth, not interlaced) to grey; transparency is
/// composed over white.
pub fn decode_png(bytes: &[u8]) -> Result<Gray, String> {
    let mut pos = 8;
    let (mut w, mut h, mut depth, mut ctype, mut interlace) = (0usize, 0usize, 0u8, 0u8, 0u8);
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut trns: Vec<u8> = Vec::new();
    let mut idat = Vec::new();
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = bytes.get(pos + 8..pos + 8 + len).ok_or_else(|| "PNG 数据不完整".to_owned())?;
        match kind {
            b"IHDR" if len >= 13 => {
                w = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
                h = u32::from_be_bytes([data[4], data[5], data[6], data[7]]) as usize;
                depth = data[8];
                ctype = data[9];
                interlace = data[12];
            }
            b"PLTE" => palette = data.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect(),
            b"tRNS" => trns = data.to_vec(),
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    if w == 0 || h == 0 || w.saturating_mul(h) > MAX_PIXELS {
        return Err(format!("PNG 图像尺寸不支持（{w}×{h}）"));
    }
    if interlace != 0 {
        return Err("隔行扫描的 PNG".to_owned());
    }
    let channels = match ctype {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return Err(format!("PNG 颜色类型 {ctype} 无效")),
    };
    if !matches!(depth, 1 | 2 | 4 | 8 | 16) || (depth == 16 && ctype == 3) || (depth < 8 && !matches!(ctype, 0 | 3)) {
        return Err(format!("PNG 位深 {depth} 无效"));
    }
    let bits = channels * usize::from(depth);
    let stride = (w * bits).div_ceil(8);
    let bpp = bits.div_ceil(8).max(1);
    let mut raw = Vec::with_capacity((stride + 1) * h);
    flate2::read::ZlibDecoder::new(&idat[..])
        .take(((stride + 1) * h) as u64)
        .read_to_end(&mut raw)
        .map_err(|e| format!("PNG 数据无法解压：{e}"))?;
    if raw.len() < (stride + 1) * h {
        return Err("PNG 数据不完整".to_owned());
    }
    let mut prev = vec![0u8; stride];
    let mut line = vec![0u8; stride];
    let mut px = Vec::with_capacity(w * h);
    for y in 0..h {
        let row = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
        unfilter(row[0], &row[1..], &prev, &mut line, bpp)?;
        for x in 0..w {
            px.push(pixel(&line, x, depth, ctype, &palette, &trns));
        }
        std::mem::swap(&mut prev, &mut line);
    }
    Ok(Gray { w, h, px })
}

fn unfilter(filter: u8, src: &[u8], prev: &[u8], out: &mut [u8], bpp: usize) -> Result<(), String> {
    for i in 0..src.len() {
        let a = if i >= bpp { out[i - bpp] } else { 0 };
        let b = prev[i];
        let c = if i >= bpp { prev[i - bpp] } else { 0 };
        let pred = match filter {
            0 => 0,
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            4 => paeth(a, b, c),
            _ => return Err(format!("PNG 行过滤类型 {filter} 无效")),
        };
        out[i] = src[i].wrapping_add(pred);
    }
    Ok(())
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Sample `i` of a scanline at bit depth `depth`, scaled to 8 bits (16-bit samples: high byte).
fn sample(line: &[u8], i: usize, depth: u8) -> u8 {
    match depth {
        16 => line[2 * i],
        8 => line[i],
        d => {
            let d = usize::from(d);
            let bit = i * d;
            // palette indices stay indices; grey levels are stretched by the caller
            (line[bit / 8] >> (8 - d - bit % 8)) & ((1u8 << d) - 1)
        }
    }
}

fn pixel(line: &[u8], x: usize, depth: u8, ctype: u8, palette: &[[u8; 3]], trns: &[u8]) -> u8 {
    let stretch = |v: u8| -> u8 {
        match depth {
            1 => v * 255,
            2 => v * 85,
            4 => v * 17,
            _ => v,
        }
    };
    let over_white = |g: u8, alpha: u8| -> u8 { ((u32::from(g) * u32::from(alpha) + 255 * (255 - u32::from(alpha))) / 255) as u8 };
    match ctype {
        0 => stretch(sample(line, x, depth)),
        2 => luma(sample(line, 3 * x, depth), sample(line, 3 * x + 1, depth), sample(line, 3 * x + 2, depth)),
        3 => {
            let i = usize::from(sample(line, x, depth));
            let [r, g, b] = palette.get(i).copied().unwrap_or([255, 255, 255]);
            over_white(luma(r, g, b), trns.get(i).copied().unwrap_or(255))
        }
        4 => over_white(sample(line, 2 * x, depth), sample(line, 2 * x + 1, depth)),
        _ => over_white(
            luma(sample(line, 4 * x, depth), sample(line, 4 * x + 1, depth), sample(line, 4 * x + 2, depth)),
            sample(line, 4 * x + 3, depth),
        ),
    }
}

/// A JPEG as a one-page PDF whose page is the image at one point per pixel, so that
/// `pdftoppm -r 72 -gray` decodes it to a PGM of the same size. `None` when the JPEG's frame
/// header cannot be found.
pub fn jpeg_as_pdf(jpeg: &[u8]) -> Option<Vec<u8>> {
    jpegs_as_pdf(&[jpeg], 72)
}

/// JPEGs scanned at `dpi` as the pages of a PDF with no text layer (what a scanner makes).
pub fn jpegs_as_pdf(pages: &[&[u8]], dpi: u32) -> Option<Vec<u8>> {
    let dpi = dpi.max(1) as usize;
    let n = pages.len();
    // objects: 1 catalog, 2 pages, then per page: page, image, content
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
    ];
    for (i, jpeg) in pages.iter().enumerate() {
        let (w, h, comps) = jpeg_frame(jpeg)?;
        let space = match comps {
            1 => "/DeviceGray",
            3 => "/DeviceRGB",
            4 => "/DeviceCMYK /Decode [1 0 1 0 1 0 1 0]",
            _ => return None,
        };
        let (img, content_id) = (4 + 3 * i, 5 + 3 * i);
        // the page's size in points: the image at its scanning resolution
        let (pw, ph) = (w * 72 / dpi, h * 72 / dpi);
        objects.push(
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Resources << /XObject << /I {img} 0 R >> >> /Contents {content_id} 0 R >>")
                .into_bytes(),
        );
        let mut o = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        o.extend_from_slice(jpeg);
        o.extend_from_slice(b"\nendstream");
        objects.push(o);
        let content = format!("q {pw} 0 0 {ph} 0 0 cm /I Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes());
    }
    let mut pdf: Vec<u8> = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    Some(pdf)
}

/// Width, height and component count from a JPEG's SOF segment.
fn jpeg_frame(b: &[u8]) -> Option<(usize, usize, u8)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let is_sof = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let s = b.get(i + 4..i + 4 + 6)?;
            let h = usize::from(u16::from_be_bytes([s[1], s[2]]));
            let w = usize::from(u16::from_be_bytes([s[3], s[4]]));
            return (w > 0 && h > 0 && w * h <= MAX_PIXELS).then_some((w, h, s[5]));
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgm_round_trips() {
        let mut g = Gray::white(3, 2);
        g.px[4] = 7;
        assert_eq!(decode_pnm(&g.to_pgm()), Ok(g));
    }

    #[test]
    fn upscaling_keeps_the_corners() {
        let g = Gray { w: 2, h: 1, px: vec![0, 255] };
        let u = g.upscale(2);
        assert_eq!((u.w, u.h), (4, 2));
        assert_eq!(u.at(0, 0), 0);
        assert_eq!(u.at(3, 1), 255);
    }
}
